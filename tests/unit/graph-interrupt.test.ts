import { GraphInterrupt, isGraphInterrupt as langGraphIsGraphInterrupt, NodeInterrupt } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { isGraphInterrupt } from "@/lib/engine/graph-interrupt";

describe("the engine's isGraphInterrupt (without loading LangGraph)", () => {
  const cases: Array<[string, unknown]> = [
    ["a GraphInterrupt", new GraphInterrupt([{ value: "wait" }])],
    ["a NodeInterrupt", new NodeInterrupt("stop")],
    ["a plain Error", new Error("boom")],
    ["an error named like something else", Object.assign(new Error("x"), { name: "GraphRecursionError" })],
    ["a thrown string", "GraphInterrupt"],
    ["undefined", undefined],
  ];
  it.each(cases)("answers like LangGraph's own for %s", (_label, error) => {
    expect(isGraphInterrupt(error)).toBe(langGraphIsGraphInterrupt(error as Error));
  });

  it("recognises LangGraph's interrupts", () => {
    expect(isGraphInterrupt(new GraphInterrupt([]))).toBe(true);
    expect(isGraphInterrupt(new NodeInterrupt("stop"))).toBe(true);
    expect(isGraphInterrupt(new Error("boom"))).toBe(false);
  });

  it("answers false for a thrown null, where LangGraph's own throws", () => {
    expect(isGraphInterrupt(null)).toBe(false);
  });
});
