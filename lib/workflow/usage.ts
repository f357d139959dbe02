/** Token usage and cost of model calls, as a node run records them (AI nodes report each call: ExecuteContext.recordUsage). */

/** One model call. */
export interface ModelCallUsage {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** US dollars, when the model's price is known (lib/ai/prices.ts). */
  costUsd?: number;
}

/** A node run's model calls: the sums and each call. */
export interface NodeRunUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** US dollars, when every call's price is known. */
  costUsd?: number;
  calls: ModelCallUsage[];
}

export function summarizeUsage(calls: readonly ModelCallUsage[]): NodeRunUsage {
  const sum = (pick: (usage: ModelCallUsage) => number) => calls.reduce((total, usage) => total + pick(usage), 0);
  const priced = calls.length > 0 && calls.every((usage) => usage.costUsd !== undefined);
  return {
    inputTokens: sum((usage) => usage.inputTokens),
    outputTokens: sum((usage) => usage.outputTokens),
    totalTokens: sum((usage) => usage.totalTokens),
    ...(priced ? { costUsd: Math.round(sum((usage) => usage.costUsd ?? 0) * 1e8) / 1e8 } : {}),
    calls: calls.map((usage) => ({ ...usage })),
  };
}
