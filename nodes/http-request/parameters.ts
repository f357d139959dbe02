/**
 * The HTTP Request node's parameters: n8n's `n8n-nodes-base.httpRequest` (v4) shape, so an n8n export maps onto it.
 * Every field has a default: `{ url }` alone is a valid GET.
 *
 * Differences from n8n kept on purpose: authentication values may sit in the parameters (`headerAuth`, `basicAuth`,
 * `bearerToken`) — a credential the node references (`httpHeaderAuth`, `httpBasicAuth`, `httpBearerAuth`) wins over
 * them, see authentication.ts — and
 * `options.response` / `options.redirect` are flat objects where n8n nests them once more (`options.response.response`).
 */
import { z } from "zod";
import type { ParameterHint } from "../../lib/workflow/node-definition";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

const parameterValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const nameValuePair = z.object({
  name: z.string().default(""),
  value: parameterValue.default(""),
});

/** n8n's fixed collection: `{ parameters: [{ name, value }] }`. */
const nameValueList = z.object({ parameters: z.array(nameValuePair).default([]) }).prefault({});

export const httpRequestParameters = z.object({
  method: z.enum(HTTP_METHODS).default("GET"),
  url: z.string().trim().min(1, "URL is required"),

  authentication: z.enum(["none", "headerAuth", "basicAuth", "bearerAuth"]).default("none"),
  /** For `headerAuth`: the header to send. */
  headerAuth: z.object({ name: z.string(), value: z.string() }).optional(),
  /** For `basicAuth`. */
  basicAuth: z.object({ user: z.string(), password: z.string().default("") }).optional(),
  /** For `bearerAuth`: sent as `Authorization: Bearer <token>`. */
  bearerToken: z.string().optional(),

  sendQuery: z.boolean().default(false),
  queryParameters: nameValueList,

  sendHeaders: z.boolean().default(false),
  headerParameters: nameValueList,

  sendBody: z.boolean().default(false),
  contentType: z.enum(["json", "form-urlencoded", "raw"]).default("json"),
  specifyBody: z.enum(["keypair", "json"]).default("keypair"),
  bodyParameters: nameValueList,
  /** With `specifyBody: "json"`: a JSON text or an object/array. */
  jsonBody: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).default(""),
  /** With `contentType: "raw"`: sent as it is, with `rawContentType`. */
  body: z.string().default(""),
  rawContentType: z.string().default("text/plain"),

  options: z
    .object({
      /** Milliseconds for the whole request, redirects and body included. */
      timeout: z.number().int().positive().default(30_000),
      response: z
        .object({
          /** Output `{ statusCode, statusMessage, headers, body }` instead of the body alone. */
          fullResponse: z.boolean().default(false),
          responseFormat: z.enum(["autodetect", "json", "text"]).default("autodetect"),
        })
        .prefault({}),
      redirect: z
        .object({
          followRedirects: z.boolean().default(true),
          maxRedirects: z.number().int().min(0).default(5),
        })
        .prefault({}),
    })
    .prefault({}),
});

export type HttpRequestParameters = z.infer<typeof httpRequestParameters>;
export type HttpRequestParametersInput = z.input<typeof httpRequestParameters>;

export const httpRequestParameterHints: Record<string, ParameterHint> = {
  method: { label: "Method" },
  url: { label: "URL", placeholder: "https://api.example.com/v1/things" },
  authentication: { label: "Authentication" },
  "headerAuth.name": { label: "Header name", placeholder: "X-API-Key", displayWhen: { authentication: ["headerAuth"] } },
  "headerAuth.value": { label: "Header value", displayWhen: { authentication: ["headerAuth"] } },
  "basicAuth.user": { label: "User", displayWhen: { authentication: ["basicAuth"] } },
  "basicAuth.password": { label: "Password", displayWhen: { authentication: ["basicAuth"] } },
  bearerToken: { label: "Bearer token", displayWhen: { authentication: ["bearerAuth"] } },
  sendQuery: { label: "Send query parameters" },
  queryParameters: { label: "Query parameters", displayWhen: { sendQuery: [true] } },
  sendHeaders: { label: "Send headers" },
  headerParameters: { label: "Headers", displayWhen: { sendHeaders: [true] } },
  sendBody: { label: "Send body" },
  contentType: { label: "Body content type", displayWhen: { sendBody: [true] } },
  specifyBody: { label: "Specify body", displayWhen: { sendBody: [true], contentType: ["json", "form-urlencoded"] } },
  bodyParameters: { label: "Body parameters", displayWhen: { sendBody: [true], specifyBody: ["keypair"] } },
  jsonBody: { label: "JSON", editor: "json", displayWhen: { sendBody: [true], specifyBody: ["json"] } },
  body: { label: "Body", editor: "text", displayWhen: { sendBody: [true], contentType: ["raw"] } },
  rawContentType: { label: "Content type", placeholder: "text/plain", displayWhen: { sendBody: [true], contentType: ["raw"] } },
  "options.timeout": { label: "Timeout (ms)" },
  "options.response.fullResponse": { label: "Include status and headers" },
  "options.response.responseFormat": { label: "Response format" },
  "options.redirect.followRedirects": { label: "Follow redirects" },
  "options.redirect.maxRedirects": { label: "Max redirects", displayWhen: { "options.redirect.followRedirects": [true] } },
};
