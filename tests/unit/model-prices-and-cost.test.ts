import { describe, expect, it } from "vitest";
import { costOf, priceOf } from "@/lib/ai/prices";

describe("model prices", () => {
  it("match a model family by its id, dated or prefixed, longest family first; unknown models have none", () => {
    expect(priceOf("gpt-4o")).toEqual({ inputPerMillion: 2.5, outputPerMillion: 10 });
    expect(priceOf("gpt-4o-2024-08-06")).toEqual(priceOf("gpt-4o"));
    expect(priceOf("gpt-4o-mini-2024-07-18")).toEqual({ inputPerMillion: 0.15, outputPerMillion: 0.6 });
    expect(priceOf("openai/gpt-4.1-mini")).toEqual({ inputPerMillion: 0.4, outputPerMillion: 1.6 });
    expect(priceOf("claude-3-5-haiku-latest")).toEqual({ inputPerMillion: 0.8, outputPerMillion: 4 });
    expect(priceOf("llama3.1")).toBeUndefined();
    expect(priceOf("gpt-4oish")).toBeUndefined();
  });

  it("give a cost in dollars only when the price is known", () => {
    expect(costOf(priceOf("gpt-4o-mini"), 1000, 20)).toBe(0.000162);
    expect(costOf(undefined, 1000, 20)).toBeUndefined();
  });
});
