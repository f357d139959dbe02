import type { LanguageModel } from "ai";

/** A provider model object (never a gateway id string). */
export type ProviderLanguageModel = Exclude<LanguageModel, string>;

/** US dollars per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** Call settings a chat model sub-node carries to the node that calls it (agent, chain). */
export interface ChatModelSettings {
  temperature?: number;
  maxOutputTokens?: number;
  /** Retries of 429/408/409/5xx answers, honouring Retry-After (the AI SDK's own retry; see lib/ai/model-call.ts). */
  maxRetries: number;
  /** Milliseconds for one model call, retries included. */
  timeoutMs?: number;
}

/** What an `ai_languageModel` sub-node supplies. */
export interface ChatModel {
  /** "openai", "anthropic", "openai-compatible": named in errors and usage records. */
  provider: string;
  modelId: string;
  model: ProviderLanguageModel;
  settings: ChatModelSettings;
  /** Known price of this model, for the cost in usage records; absent when unknown. */
  price?: ModelPrice;
}

export function isChatModel(value: unknown): value is ChatModel {
  if (value === null || typeof value !== "object") return false;
  const candidate = value as Partial<ChatModel>;
  return typeof candidate.provider === "string" && typeof candidate.modelId === "string" && typeof candidate.model === "object" && candidate.model !== null && typeof candidate.settings === "object";
}
