/** Parameters of the HTTP Request tool (close to n8n's `toolHttpRequest`) and how they become the tool's options. */
import { z } from "zod";
import { ToolConfigError } from "@/lib/ai/tools/errors";
import { createHttpRequestTool, type HttpRequestToolOptions, type HttpToolBody } from "@/lib/ai/tools/http-request-tool";
import type { JsonValue } from "@/lib/workflow/items";
import { configProblemMessage } from "../shared/tool";

const nameValueList = z.object({ parameters: z.array(z.object({ name: z.string().min(1), value: z.string().default("") })).default([]) }).default({ parameters: [] });

export const toolHttpRequestParameters = z
  .object({
    name: z.string().trim().optional(),
    toolDescription: z.string().trim().min(1, "describe what the request does, for the model"),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]).default("GET"),
    url: z.string().trim().min(1, "a URL is required"),
    /** Authentication comes from a credential of the matching type (never from parameters the model could see). */
    authentication: z.enum(["none", "headerAuth", "basicAuth", "bearerAuth"]).default("none"),
    sendQuery: z.boolean().default(false),
    queryParameters: nameValueList,
    sendHeaders: z.boolean().default(false),
    headerParameters: nameValueList,
    sendBody: z.boolean().default(false),
    contentType: z.enum(["json", "form-urlencoded", "raw"]).default("json"),
    /** JSON text; `"{name}"` as a whole value keeps the placeholder's type. */
    jsonBody: z.string().optional(),
    bodyParameters: nameValueList,
    body: z.string().optional(),
    rawContentType: z.string().default("text/plain"),
    placeholderDefinitions: z
      .object({
        values: z
          .array(
            z.object({
              name: z.string().min(1),
              description: z.string().optional(),
              type: z.enum(["string", "number", "integer", "boolean", "json"]).default("string"),
              required: z.boolean().default(true),
            }),
          )
          .default([]),
      })
      .default({ values: [] }),
    options: z
      .object({
        timeout: z.number().int().positive().max(300_000).default(30_000),
        maxResponseChars: z.number().int().positive().max(1_000_000).default(20_000),
      })
      .default({ timeout: 30_000, maxResponseChars: 20_000 }),
  })
  .superRefine((value, context) => {
    if (JSON.stringify(value).includes("{{")) return; // expressions: checked once resolved, when the tool is supplied
    try {
      createHttpRequestTool(toolOptionsFrom(value, { name: value.name || "tool", node: "" }));
    } catch (error) {
      if (!(error instanceof ToolConfigError)) throw error;
      const parameter = typeof error.fields.parameter === "string" ? error.fields.parameter : "url";
      context.addIssue({ code: "custom", path: [parameter === "placeholders" ? "placeholderDefinitions" : parameter], message: configProblemMessage(error) });
    }
  });

export type ToolHttpRequestParameters = z.infer<typeof toolHttpRequestParameters>;

function bodyFrom(parameters: ToolHttpRequestParameters): HttpToolBody | undefined {
  if (!parameters.sendBody || parameters.method === "GET" || parameters.method === "HEAD") return undefined;
  switch (parameters.contentType) {
    case "json": {
      const text = parameters.jsonBody?.trim() || "{}";
      let template: JsonValue;
      try {
        template = JSON.parse(text) as JsonValue;
      } catch (error) {
        throw new ToolConfigError(`the JSON body is not valid JSON: ${(error as Error).message}`, { parameter: "jsonBody" }, { cause: error });
      }
      return { type: "json", template };
    }
    case "form-urlencoded":
      return { type: "form-urlencoded", fields: parameters.bodyParameters.parameters };
    case "raw":
      return { type: "raw", contentType: parameters.rawContentType, content: parameters.body ?? "" };
  }
}

export function toolOptionsFrom(
  parameters: ToolHttpRequestParameters,
  tool: { name: string; node: string; authHeaders?: Record<string, string> },
): HttpRequestToolOptions {
  return {
    name: tool.name,
    description: parameters.toolDescription,
    method: parameters.method,
    url: parameters.url,
    ...(parameters.sendQuery ? { query: parameters.queryParameters.parameters } : {}),
    ...(parameters.sendHeaders ? { headers: parameters.headerParameters.parameters } : {}),
    ...(bodyFrom(parameters) ? { body: bodyFrom(parameters) } : {}),
    placeholders: parameters.placeholderDefinitions.values,
    ...(tool.authHeaders ? { authHeaders: tool.authHeaders } : {}),
    timeoutMs: parameters.options.timeout,
    maxResponseChars: parameters.options.maxResponseChars,
    ...(tool.node ? { node: tool.node } : {}),
  };
}
