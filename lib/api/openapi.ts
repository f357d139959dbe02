/**
 * The OpenAPI 3.1 document of `/api/v1`, built from the RouteSpec arrays each resource exports — the same zod schemas
 * the handlers parse with — through zod 4's `z.toJSONSchema` (JSON Schema draft 2020-12, which OpenAPI 3.1 uses).
 * Served by app/api/v1/openapi.json/route.ts.
 */
import { z } from "zod";
import { chatSessionSpecs } from "./chat/sessions";
import { credentialSpecs } from "./credentials/specs";
import type { RouteSpec } from "./spec";
import { templateSpecs } from "./templates/handlers";
import { workspaceSpecs } from "./workspace/specs";
import { workflowApiSpecs } from "./openapi-plugins";

/** Every documented route. Resources plug in here (workflows and executions come through ./openapi-plugins.ts). */
export function allRouteSpecs(): RouteSpec[] {
  return [...workflowApiSpecs(), ...credentialSpecs, ...workspaceSpecs, ...chatSessionSpecs, ...templateSpecs];
}

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const ERROR_RESPONSES: Record<string, string> = {
  "400": "Malformed JSON (the parser's reason, line and column)",
  "401": "No valid session or API key",
  "403": "The role in this workspace does not allow it",
  "404": "Unknown id, or another workspace's (the same answer)",
  "409": "The state does not allow it",
  "413": "Body larger than the limit",
  "415": "Body is not application/json",
  "422": "Schema violation: every path and message in `error.problems`",
};

function errorResponsesFor(spec: RouteSpec, pathParams: string[]): string[] {
  const statuses = ["401", "403"];
  if (spec.body) statuses.push("400", "413", "415", "422");
  else if (spec.query) statuses.push("422");
  if (pathParams.length > 0) statuses.push("404");
  if (spec.method !== "get") statuses.push("409");
  return [...new Set(statuses)].sort();
}

function operationId(spec: RouteSpec): string {
  const words = spec.path
    .replace(/^\/api\/v1\//, "")
    .split("/")
    .map((part) => (part.startsWith("{") ? `by-${part.slice(1, -1)}` : part))
    .join("-")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [spec.method, ...words].map((word, index) => (index === 0 ? word : word[0].toUpperCase() + word.slice(1))).join("");
}

function queryParameters(schema: z.ZodType): JsonSchema[] {
  const object = jsonSchema(schema, "input");
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return { name, in: "query", required: required.has(name), ...(description ? { description } : {}), schema: propertySchema };
  });
}

export interface OpenApiOptions {
  specs?: RouteSpec[];
  /** `servers[0].url`; default none (relative to the document's origin). */
  serverUrl?: string;
  version?: string;
}

export function buildOpenApiDocument(options: OpenApiOptions = {}): Record<string, unknown> {
  const specs = options.specs ?? allRouteSpecs();
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const spec of specs) {
    tags.add(spec.tag);
    const pathParams = [...spec.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
    const parameters = [
      ...pathParams.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
      ...(spec.query ? queryParameters(spec.query) : []),
    ];
    const status = String(spec.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]:
        spec.response && status !== "204"
          ? { description: "OK", content: { "application/json": { schema: jsonSchema(spec.response, "output") } } }
          : { description: status === "204" ? "No content" : "OK" },
    };
    for (const code of errorResponsesFor(spec, pathParams)) {
      responses[code] = { description: ERROR_RESPONSES[code], content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    }
    paths[spec.path] ??= {};
    paths[spec.path][spec.method] = {
      operationId: operationId(spec),
      summary: spec.summary,
      tags: [spec.tag],
      "x-required-role": spec.role,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(spec.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Hetumind API",
      version: options.version ?? "1",
      description:
        "Authenticate with `Authorization: Bearer hm_...` (an API key, scoped to one workspace) or the session cookie. " +
        "`x-required-role` is the least role an operation needs (viewer < editor < owner). Errors: " +
        "`{ error: { code, message, problems? } }`. See docs/api.md.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [...tags].map((name) => ({ name })),
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "hm_...", description: "An API key (`hm_` + 43 characters), shown once when created" },
        cookie: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "The session cookie set by sign-in (`__Secure-authjs.session-token` over HTTPS)" },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string" },
                message: { type: "string" },
                problems: {
                  type: "array",
                  items: { type: "object", required: ["path", "message", "code"], properties: { path: { type: "string" }, message: { type: "string" }, code: { type: "string" } } },
                },
                retryAfterMs: { type: "number" },
                requestId: { type: "string" },
              },
            },
          },
        },
      },
    },
  };
}
