/** Credential types of the AI model providers (the OpenAI one, `openAiApi`, lives in types.ts with the HTTP ones). */
import { z } from "zod";
import { guardedFetch } from "@/lib/net/guarded-fetch";
import { describeUrl } from "@/lib/net/network-policy";
import { defineCredentialType, type CredentialTestResult } from "./definition";

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `extraHeaders`: a JSON object of header names to string values, sent with every request to the provider. */
export const extraHeadersField = z
  .string()
  .trim()
  .refine((text) => text === "" || parseExtraHeaders(text) !== undefined, 'must be a JSON object of header names to strings, like {"X-Title": "my app"}')
  .optional();

/** Parses `extraHeaders`; `undefined` when it is not a JSON object of valid header names to strings. */
export function parseExtraHeaders(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.every(([name, header]) => HEADER_NAME.test(name) && typeof header === "string")) return undefined;
    return Object.fromEntries(entries) as Record<string, string>;
  } catch {
    return undefined;
  }
}

export const httpUrlField = (example: string) =>
  z
    .string()
    .trim()
    .refine((text) => {
      try {
        const url = new URL(text);
        return url.protocol === "http:" || url.protocol === "https:";
      } catch {
        return false;
      }
    }, `must be an absolute http(s) URL, like ${example}`);

/** GET `<baseUrl>/models` through the guarded fetch: the cheapest call every provider answers with the key's verdict. */
export async function testModelsEndpoint(
  baseUrl: string,
  headers: Record<string, string>,
  context: { signal?: AbortSignal; timeoutMs?: number },
  secrets: string[],
): Promise<CredentialTestResult> {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}/models`);
  try {
    const response = await guardedFetch(url, { headers: { ...headers, accept: "application/json" }, timeoutMs: context.timeoutMs ?? 15_000, signal: context.signal });
    if (response.status >= 200 && response.status < 300) return { ok: true, message: `${describeUrl(url)} accepted the credential` };
    if (response.status === 401 || response.status === 403) return { ok: false, message: `${describeUrl(url)} refused the credential (${response.status})` };
    return { ok: false, message: `${describeUrl(url)} answered ${response.status}` };
  } catch (error) {
    let reason = error instanceof Error ? error.message : String(error);
    for (const secret of secrets.filter((value) => value !== "")) reason = reason.split(secret).join("***");
    return { ok: false, message: `Could not reach ${describeUrl(url)}: ${reason}` };
  }
}

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com/v1";
export const ANTHROPIC_API_VERSION = "2023-06-01";

export const anthropicApi = defineCredentialType({
  type: "anthropicApi",
  displayName: "Anthropic API",
  description: "An API key for Anthropic's Messages API.",
  fields: z.object({
    apiKey: z.string().trim().min(1, "an API key is required"),
    baseUrl: httpUrlField(ANTHROPIC_DEFAULT_BASE_URL).default(ANTHROPIC_DEFAULT_BASE_URL),
    extraHeaders: extraHeadersField,
  }),
  secretFields: ["apiKey", "extraHeaders"],
  fieldHints: {
    apiKey: { label: "API key" },
    baseUrl: { label: "Base URL", placeholder: ANTHROPIC_DEFAULT_BASE_URL },
    extraHeaders: { label: "Extra headers (JSON)", placeholder: '{"anthropic-beta": "..."}' },
  },
  test: (data, context) =>
    testModelsEndpoint(data.baseUrl, { ...parseExtraHeaders(data.extraHeaders), "x-api-key": data.apiKey, "anthropic-version": ANTHROPIC_API_VERSION }, context, [data.apiKey]),
});

export const openAiCompatibleApi = defineCredentialType({
  type: "openAiCompatibleApi",
  displayName: "OpenAI-compatible API",
  description: "Any server that speaks OpenAI's chat completions: Ollama, vLLM, LM Studio, OpenRouter, Groq...",
  fields: z.object({
    baseUrl: httpUrlField("http://localhost:11434/v1"),
    apiKey: z.string().trim().optional(),
    extraHeaders: extraHeadersField,
  }),
  secretFields: ["apiKey", "extraHeaders"],
  fieldHints: {
    baseUrl: { label: "Base URL", placeholder: "http://localhost:11434/v1", description: "Up to and including /v1" },
    apiKey: { label: "API key", description: "Leave empty for servers that need none (Ollama)" },
    extraHeaders: { label: "Extra headers (JSON)", placeholder: '{"HTTP-Referer": "https://example.com"}' },
  },
  test: (data, context) =>
    testModelsEndpoint(
      data.baseUrl,
      { ...parseExtraHeaders(data.extraHeaders), ...(data.apiKey ? { authorization: `Bearer ${data.apiKey}` } : {}) },
      context,
      [data.apiKey ?? ""],
    ),
});
