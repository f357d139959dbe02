/**
 * Token usage and cost of model calls, as a node run records them (AI nodes report each call: ExecuteContext.recordUsage).
 * The zod schemas describe the same objects in the REST API (lib/api/executions/schemas.ts).
 */
import { z } from "zod";

/** One model call. `costUsd`: US dollars, when the model's price is known (lib/ai/prices.ts). */
export const modelCallUsageSchema = z.object({
  provider: z.string(),
  model: z.string(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number().optional(),
});
export type ModelCallUsage = z.infer<typeof modelCallUsageSchema>;

/** A node run's model calls: the sums and each call. `costUsd` when every call's price is known. */
export const nodeRunUsageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number().optional(),
  calls: z.array(modelCallUsageSchema),
});
export type NodeRunUsage = z.infer<typeof nodeRunUsageSchema>;

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
