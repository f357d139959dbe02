/** The credential types. Add one here (and nowhere else) to make it available to the API, the forms and the engine. */
import { z } from "zod";
import { guardedFetch } from "@/lib/net/guarded-fetch";
import { describeUrl } from "@/lib/net/network-policy";
import { type AnyCredentialTypeDefinition, defineCredentialType } from "./definition";
import { anthropicApi, extraHeadersField, httpUrlField, openAiCompatibleApi, parseExtraHeaders } from "./types-ai";

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const httpHeaderAuth = defineCredentialType({
  type: "httpHeaderAuth",
  displayName: "Header Auth",
  description: "Sends one header (an API key, usually) with every request.",
  fields: z.object({
    name: z.string().trim().min(1, "a header name is required").regex(HEADER_NAME, "not a valid HTTP header name"),
    value: z.string().min(1, "a value is required"),
  }),
  secretFields: ["value"],
  fieldHints: { name: { label: "Header name", placeholder: "X-API-Key" }, value: { label: "Value" } },
});

export const httpBasicAuth = defineCredentialType({
  type: "httpBasicAuth",
  displayName: "Basic Auth",
  description: "HTTP Basic authentication (user and password).",
  fields: z.object({
    user: z.string().min(1, "a user is required").refine((user) => !user.includes(":"), "a user may not contain ':'"),
    password: z.string().default(""),
  }),
  secretFields: ["password"],
  fieldHints: { user: { label: "User" }, password: { label: "Password" } },
});

export const httpBearerAuth = defineCredentialType({
  type: "httpBearerAuth",
  displayName: "Bearer Auth",
  description: "Sends `Authorization: Bearer <token>`.",
  fields: z.object({ token: z.string().min(1, "a token is required") }),
  secretFields: ["token"],
  fieldHints: { token: { label: "Token" } },
});

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

export const openAiApi = defineCredentialType({
  type: "openAiApi",
  displayName: "OpenAI API",
  description: "An API key for OpenAI, or for any OpenAI-compatible server (set the base URL).",
  fields: z.object({
    apiKey: z.string().trim().min(1, "an API key is required"),
    baseUrl: httpUrlField(OPENAI_DEFAULT_BASE_URL).default(OPENAI_DEFAULT_BASE_URL),
    organization: z.string().trim().optional(),
    extraHeaders: extraHeadersField,
  }),
  secretFields: ["apiKey", "extraHeaders"],
  fieldHints: {
    apiKey: { label: "API key" },
    baseUrl: { label: "Base URL", placeholder: OPENAI_DEFAULT_BASE_URL },
    organization: { label: "Organization ID", description: "Sent as OpenAI-Organization (optional)" },
    extraHeaders: { label: "Extra headers (JSON)", placeholder: '{"X-Title": "my app"}' },
  },
  async test(data, context) {
    const url = new URL(`${data.baseUrl.replace(/\/+$/, "")}/models`);
    try {
      const response = await guardedFetch(url, {
        headers: {
          ...parseExtraHeaders(data.extraHeaders),
          ...(data.organization ? { "openai-organization": data.organization } : {}),
          authorization: `Bearer ${data.apiKey}`,
          accept: "application/json",
        },
        timeoutMs: context.timeoutMs ?? 15_000,
        signal: context.signal,
      });
      if (response.status >= 200 && response.status < 300) return { ok: true, message: `${describeUrl(url)} accepted the key` };
      if (response.status === 401 || response.status === 403) return { ok: false, message: `${describeUrl(url)} refused the key (${response.status})` };
      return { ok: false, message: `${describeUrl(url)} answered ${response.status}` };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, message: `Could not reach ${describeUrl(url)}: ${reason.split(data.apiKey).join("***")}` };
    }
  },
});

export const credentialTypeDefinitions: readonly AnyCredentialTypeDefinition[] = [
  httpHeaderAuth,
  httpBasicAuth,
  httpBearerAuth,
  openAiApi,
  anthropicApi,
  openAiCompatibleApi,
];

export const credentialTypeRegistry: ReadonlyMap<string, AnyCredentialTypeDefinition> = new Map(
  credentialTypeDefinitions.map((definition) => [definition.type, definition]),
);

export function credentialType(type: string): AnyCredentialTypeDefinition | undefined {
  return credentialTypeRegistry.get(type);
}
