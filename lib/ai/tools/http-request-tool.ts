/**
 * The HTTP Request tool: a request the workflow author shapes (method, URL, query, headers, body) with `{placeholders}` the
 * model fills. The placeholders' declarations are the tool's JSON schema; arguments are validated against it before
 * anything is sent; the request goes through the guarded fetch and carries the call's Idempotency-Key.
 */
import type { AgentTool, AgentToolCallContext } from "@/lib/ai/agent-tool";
import { assertArguments } from "@/lib/ai/json-schema";
import { guardedFetch, type GuardedFetchOptions, type GuardedResponse } from "@/lib/net/guarded-fetch";
import { describeUrl } from "@/lib/net/network-policy";
import { isJsonObject, type JsonObject, type JsonValue } from "@/lib/workflow/items";
import { assertToolName, ToolExecutionError } from "./errors";
import {
  checkPlaceholders,
  exactPlaceholder,
  fillJson,
  fillText,
  placeholdersIn,
  placeholdersInJson,
  placeholdersSchema,
  type PlaceholderDefinition,
} from "./placeholders";

export type HttpToolMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";

export interface NameValue {
  name: string;
  value: string;
}

export type HttpToolBody =
  | { type: "json"; /** JSON with placeholders in string values; `"{x}"` alone keeps x's type. */ template: JsonValue }
  | { type: "form-urlencoded"; fields: NameValue[] }
  | { type: "raw"; contentType: string; content: string };

export interface HttpRequestToolOptions {
  name: string;
  description: string;
  method: HttpToolMethod;
  /** May hold placeholders; their values are URL-encoded. */
  url: string;
  query?: NameValue[];
  headers?: NameValue[];
  body?: HttpToolBody;
  placeholders?: PlaceholderDefinition[];
  /** Headers from a credential (Authorization...). Never shown to the model; dropped if a redirect leaves the origin. */
  authHeaders?: Record<string, string>;
  /** Default 30 000 ms. */
  timeoutMs?: number;
  /** The response text the model gets is cut here (default 20 000 characters). */
  maxResponseChars?: number;
  network?: Pick<GuardedFetchOptions, "allowHosts" | "allowPrivateNetwork" | "ca">;
  /** The sub-node that built the tool, for error fields. */
  node?: string;
}

export const DEFAULT_HTTP_TOOL_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_CHARS = 20_000;

function usedPlaceholders(options: HttpRequestToolOptions): string[] {
  const used = [...placeholdersIn(options.url)];
  for (const entry of [...(options.query ?? []), ...(options.headers ?? [])]) used.push(...placeholdersIn(entry.value));
  const body = options.body;
  if (body?.type === "json") used.push(...placeholdersInJson(body.template));
  if (body?.type === "form-urlencoded") for (const field of body.fields) used.push(...placeholdersIn(field.value));
  if (body?.type === "raw") used.push(...placeholdersIn(body.content));
  return used;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n[truncated: the response had ${text.length} characters]`;
}

function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim());
}

/** What the model receives: parsed JSON when it is JSON and fits, else the text (cut to the limit). */
function responseValue(response: GuardedResponse, maxChars: number): JsonValue {
  const text = response.text();
  if (isJsonContentType(response.header("content-type")) && text.length <= maxChars) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // Not JSON after all: the text is still useful to the model.
    }
  }
  return truncate(text, maxChars);
}

export function createHttpRequestTool(options: HttpRequestToolOptions): AgentTool {
  const tool = assertToolName(options.name, { node: options.node });
  const placeholders = options.placeholders ?? [];
  checkPlaceholders(placeholders, usedPlaceholders(options), tool);
  const optional = new Set(placeholders.filter((definition) => definition.required === false).map((definition) => definition.name));
  const inputSchema = placeholdersSchema(placeholders);
  const maxChars = options.maxResponseChars ?? DEFAULT_MAX_RESPONSE_CHARS;
  const fields = { tool, ...(options.node ? { node: options.node } : {}) };

  function buildUrl(args: JsonObject): URL {
    let url: URL;
    const filled = fillText(options.url, args, encodeURIComponent);
    try {
      url = new URL(filled);
    } catch (error) {
      throw new ToolExecutionError(`Tool "${tool}": the URL is invalid once filled: ${filled.slice(0, 200)}`, fields, { cause: error, code: "tool_invalid_request" });
    }
    for (const entry of options.query ?? []) {
      const exact = exactPlaceholder(entry.value);
      if (exact !== undefined && optional.has(exact) && args[exact] === undefined) continue;
      url.searchParams.append(entry.name, fillText(entry.value, args));
    }
    return url;
  }

  function buildBody(args: JsonObject): { body?: string; contentType?: string } {
    const body = options.body;
    if (!body) return {};
    if (body.type === "json") return { body: JSON.stringify(fillJson(body.template, args) ?? null), contentType: "application/json" };
    if (body.type === "raw") return { body: fillText(body.content, args), contentType: body.contentType };
    const form = new URLSearchParams();
    for (const field of body.fields) {
      const exact = exactPlaceholder(field.value);
      if (exact !== undefined && optional.has(exact) && args[exact] === undefined) continue;
      form.append(field.name, fillText(field.value, args));
    }
    return { body: form.toString(), contentType: "application/x-www-form-urlencoded" };
  }

  return {
    name: tool,
    description: options.description,
    inputSchema,
    async call(rawArgs: JsonValue, context: AgentToolCallContext): Promise<JsonValue> {
      const args = assertArguments(inputSchema, rawArgs ?? {}, tool);
      const values: JsonObject = isJsonObject(args) ? args : {};
      const url = buildUrl(values);
      const { body, contentType } = buildBody(values);
      const headers: Record<string, string> = {};
      if (contentType) headers["content-type"] = contentType;
      for (const entry of options.headers ?? []) {
        const value = fillText(entry.value, values);
        if (/[\r\n]/.test(value)) throw new ToolExecutionError(`Tool "${tool}": header "${entry.name}" may not contain line breaks`, fields, { code: "tool_invalid_request" });
        headers[entry.name.toLowerCase()] = value;
      }
      for (const [name, value] of Object.entries(options.authHeaders ?? {})) headers[name.toLowerCase()] = value;
      headers["idempotency-key"] ??= context.idempotencyKey;
      const response = await guardedFetch(url, {
        method: options.method,
        headers,
        ...(body !== undefined && options.method !== "GET" && options.method !== "HEAD" ? { body } : {}),
        timeoutMs: options.timeoutMs ?? DEFAULT_HTTP_TOOL_TIMEOUT_MS,
        signal: context.signal,
        credentialHeaders: Object.keys(options.authHeaders ?? {}),
        ...options.network,
      });
      if (response.status >= 400) {
        throw new ToolExecutionError(
          `${options.method} ${describeUrl(new URL(response.url))} answered ${response.status} ${response.statusText}: ${truncate(response.text(), 500)}`,
          { ...fields, statusCode: response.status },
          { code: "tool_http_status" },
        );
      }
      return options.method === "HEAD" ? { status: response.status, headers: response.headers as JsonObject } : responseValue(response, maxChars);
    },
  };
}
