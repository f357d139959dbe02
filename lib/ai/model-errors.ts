import { APICallError, JSONParseError, RetryError, TypeValidationError } from "ai";
import { HetumindError } from "@/lib/errors";

/** Why a model call failed. */
export type ModelFailure = "status" | "malformed" | "timeout" | "network" | "refused" | "other";

/**
 * A model call that failed: names the provider, the model, the HTTP status and the provider's own message
 * (`OpenAI model "gpt-4o" answered 429 after 3 attempts: Rate limit reached`).
 */
export class ModelCallError extends HetumindError {
  constructor(
    message: string,
    fields: { provider: string; model: string; reason: ModelFailure; status?: number; attempts?: number; node?: string },
    options?: { cause?: unknown },
  ) {
    super("model_call_failed", message, fields, options);
  }
}

const LABELS: Record<string, string> = { openai: "OpenAI", anthropic: "Anthropic", "openai-compatible": "OpenAI-compatible server" };

export function providerLabel(provider: string): string {
  return LABELS[provider] ?? provider;
}

function shorten(text: string, limit = 300): string {
  const single = text.replace(/\s+/g, " ").trim();
  return single.length > limit ? `${single.slice(0, limit)}...` : single;
}

/** Turns what the AI SDK threw into a `ModelCallError` (a cancel or a policy refusal keeps its own error as the cause). */
export function toModelCallError(error: unknown, model: { provider: string; modelId: string }, context: { timeoutMs?: number; timedOut?: boolean } = {}): ModelCallError {
  const where = `${providerLabel(model.provider)} model "${model.modelId}"`;
  const fields = { provider: model.provider, model: model.modelId };
  let attempts: number | undefined;
  let last = error;
  if (RetryError.isInstance(error)) {
    attempts = error.errors.length;
    last = error.lastError;
  }
  const after = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : "";
  if (context.timedOut) {
    return new ModelCallError(`${where} did not answer within ${context.timeoutMs} ms`, { ...fields, reason: "timeout", attempts }, { cause: error });
  }
  if (APICallError.isInstance(last)) {
    if (last.statusCode !== undefined) {
      return new ModelCallError(`${where} answered ${last.statusCode}${after}: ${shorten(last.message)}`, { ...fields, reason: "status", status: last.statusCode, attempts }, { cause: error });
    }
    return new ModelCallError(`${where} could not be reached${after}: ${shorten(last.message)}`, { ...fields, reason: "network", attempts }, { cause: error });
  }
  if (JSONParseError.isInstance(last) || TypeValidationError.isInstance(last)) {
    return new ModelCallError(`${where} sent a malformed response: ${shorten(last.message, 200)}`, { ...fields, reason: "malformed" }, { cause: error });
  }
  if (HetumindError.isInstance(last)) {
    return new ModelCallError(`${where}: ${last.message}`, { ...fields, reason: last.code === "network_refused" ? "refused" : "other" }, { cause: error });
  }
  const message = last instanceof Error ? last.message : String(last);
  return new ModelCallError(`${where} failed${after}: ${shorten(message)}`, { ...fields, reason: "other", attempts }, { cause: error });
}
