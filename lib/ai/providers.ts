/**
 * The one place provider models are made (STYLE 11): from a provider name, a connection (key, base URL, headers) and a model
 * id. Every request goes through the guarded stream fetch (lib/net): a private address is refused unless
 * HETUMIND_ALLOW_PRIVATE_NETWORK=true (read per request). Models are built on first use, never at import, and kept per
 * provider, connection and model id (the last 64): building one costs ~0.3 ms, and its zod schemas of the provider's
 * chunks are built and compiled again on first use, ~0.5 ms more per agent run (docs/ai.md, "Agent bench").
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createGuardedStreamFetch } from "@/lib/net/guarded-stream-fetch";
import type { ProviderLanguageModel } from "./chat-model";

export type ProviderName = "openai" | "anthropic" | "openai-compatible";

export interface ProviderConnection {
  baseUrl: string;
  apiKey?: string;
  /** OpenAI only: `OpenAI-Organization`. */
  organization?: string;
  headers?: Record<string, string>;
}

export interface ProviderModelOptions {
  /** Replaces the guarded fetch (tests of the provider layer only). */
  fetch?: typeof fetch;
}

const MODELS_KEPT = 64;
const models = new Map<string, ProviderLanguageModel>();

export function createProviderModel(provider: ProviderName, connection: ProviderConnection, modelId: string, options: ProviderModelOptions = {}): ProviderLanguageModel {
  if (options.fetch) return buildProviderModel(provider, connection, modelId, options.fetch);
  // A provider model holds only its settings: one serves every call with the same ones. The key holds the API key, in
  // memory like the credential cache.
  const key = JSON.stringify([provider, connection.baseUrl, connection.apiKey ?? null, connection.organization ?? null, connection.headers ?? null, modelId]);
  let model = models.get(key);
  if (model) {
    models.delete(key);
  } else {
    model = buildProviderModel(provider, connection, modelId, createGuardedStreamFetch());
    if (models.size >= MODELS_KEPT) models.delete(models.keys().next().value!);
  }
  models.set(key, model);
  return model;
}

function buildProviderModel(provider: ProviderName, connection: ProviderConnection, modelId: string, fetchImplementation: typeof fetch): ProviderLanguageModel {
  const baseURL = connection.baseUrl.replace(/\/+$/, "");
  switch (provider) {
    case "openai":
      // `.chat()`: chat completions, not the Responses API that `openai(model)` calls. Chat completions are stateless (the
      // Responses API stores each response on OpenAI's side by default), are what every compatible server and proxy speaks,
      // and are what the agent's checkpointed messages replay exactly. See docs/ai.md.
      return createOpenAI({ baseURL, apiKey: connection.apiKey, organization: connection.organization, headers: connection.headers, fetch: fetchImplementation }).chat(modelId);
    case "anthropic":
      return createAnthropic({ baseURL, apiKey: connection.apiKey, headers: connection.headers, fetch: fetchImplementation })(modelId);
    case "openai-compatible":
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL,
        apiKey: connection.apiKey || undefined,
        headers: connection.headers,
        fetch: fetchImplementation,
        includeUsage: true,
      }).chatModel(modelId);
  }
}
