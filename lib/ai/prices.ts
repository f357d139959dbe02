import type { ModelPrice } from "./chat-model";

/**
 * List prices in US dollars per million tokens (input, output) of common models, for the cost in usage records. A model not
 * here has no cost recorded (never a guess). Dated model ids match their family (`gpt-4o-2024-08-06` -> `gpt-4o`); the
 * longest matching prefix wins. Prices as published by the providers in 2025; update them here.
 */
const PRICES: Record<string, ModelPrice> = {
  "gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
  "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  "gpt-4.1": { inputPerMillion: 2, outputPerMillion: 8 },
  "gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  "gpt-4.1-nano": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  "gpt-5": { inputPerMillion: 1.25, outputPerMillion: 10 },
  "gpt-5-mini": { inputPerMillion: 0.25, outputPerMillion: 2 },
  "gpt-5-nano": { inputPerMillion: 0.05, outputPerMillion: 0.4 },
  "o3-mini": { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  "o4-mini": { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  "claude-3-haiku": { inputPerMillion: 0.25, outputPerMillion: 1.25 },
  "claude-3-5-haiku": { inputPerMillion: 0.8, outputPerMillion: 4 },
  "claude-haiku-4-5": { inputPerMillion: 1, outputPerMillion: 5 },
  "claude-3-5-sonnet": { inputPerMillion: 3, outputPerMillion: 15 },
  "claude-3-7-sonnet": { inputPerMillion: 3, outputPerMillion: 15 },
  "claude-sonnet-4": { inputPerMillion: 3, outputPerMillion: 15 },
  "claude-opus-4": { inputPerMillion: 15, outputPerMillion: 75 },
};

/** The price of a model by its id (provider prefixes such as `openai/` are ignored), or undefined. */
export function priceOf(modelId: string): ModelPrice | undefined {
  const id = modelId.toLowerCase().replace(/^[a-z-]+\//, "");
  let best: string | undefined;
  for (const key of Object.keys(PRICES)) {
    if ((id === key || id.startsWith(`${key}-`)) && (best === undefined || key.length > best.length)) best = key;
  }
  return best ? PRICES[best] : undefined;
}

/** Dollars for a call, rounded to a millionth of a cent; undefined without a price. */
export function costOf(price: ModelPrice | undefined, inputTokens: number, outputTokens: number): number | undefined {
  if (!price) return undefined;
  return Math.round((inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) * 100) / 1e8;
}
