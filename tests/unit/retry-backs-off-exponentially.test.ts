import { describe, expect, it } from "vitest";
import { retryDelay } from "@/lib/engine/interpreter";

describe("retryDelay", () => {
  it("doubles the wait after each failed try and caps it at a minute", () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelay(1000, attempt))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelay(5000, 10)).toBe(60_000);
    expect(retryDelay(0, 3)).toBe(0);
  });
});
