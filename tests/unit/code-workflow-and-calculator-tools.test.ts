import { beforeAll, describe, expect, it } from "vitest";
import type { AgentToolCallContext } from "@/lib/ai/agent-tool";
import { ToolArgumentsError } from "@/lib/ai/json-schema";
import { ToolConfigError, calculate, createCalculatorTool, createCodeTool, createWorkflowTool, itemsAsToolResult, loadCalculator } from "@/lib/ai/tools";

beforeAll(loadCalculator);
import { HetumindError, SandboxError } from "@/lib/errors";
import { loadSandbox } from "@/lib/sandbox";
import type { JsonObject } from "@/lib/workflow/items";

function callContext(id = "call-1"): AgentToolCallContext {
  return { signal: new AbortController().signal, toolCallId: id, idempotencyKey: `exec:Agent:${id}` };
}

async function failure(promise: Promise<unknown>): Promise<HetumindError> {
  const error = await promise.then(
    () => new Error("expected a failure"),
    (reason: unknown) => reason,
  );
  if (!HetumindError.isInstance(error)) throw error;
  return error;
}

describe("Code tool", () => {
  it("holds its code to its own memory limit, also when a VM was built ahead for it", async () => {
    await loadSandbox();
    const tool = createCodeTool({ name: "hog", description: "Allocates", code: "const a = []; while (true) a.push('x'.repeat(1e5) + a.length);", memoryLimitMb: 16 });
    // The tool's creation asked for its VM to be built on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    const error = await failure(tool.call({ query: "" }, callContext()));
    expect(error.code).toBe("code_memory");
    expect(error.message).toContain("more memory than its limit of 16 MB");
  });

  it("runs every call in a fresh VM: nothing one call leaves in its globals reaches the next", async () => {
    await loadSandbox();
    const tool = createCodeTool({ name: "count", description: "Counts", code: "globalThis.seen = (globalThis.seen ?? 0) + 1; return seen" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await tool.call({ query: "" }, callContext("a"))).toBe(1);
    createCodeTool({ name: "count", description: "Counts", code: "return 0" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await tool.call({ query: "" }, callContext("b"))).toBe(1);
  });

  it("runs sandboxed code with `query` by default", async () => {
    const tool = createCodeTool({ name: "shout", description: "Upper-cases text", code: "return query.toUpperCase() + '!'" });
    expect(tool.inputSchema).toMatchObject({ properties: { query: { type: "string" } }, required: ["query"] });
    expect(await tool.call({ query: "hi" }, callContext())).toBe("HI!");
  });

  it("takes a declared input schema; the code sees the arguments as `query` and `args`", async () => {
    const tool = createCodeTool({
      name: "add",
      description: "Adds",
      code: "return { sum: query.a + args.b, same: query === args || JSON.stringify(query) === JSON.stringify(args) }",
      inputSchema: JSON.stringify({ properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] }),
    });
    expect(await tool.call({ a: 2, b: 3 }, callContext())).toEqual({ sum: 5, same: true });
    expect(await failure(tool.call({ a: 2 }, callContext()))).toBeInstanceOf(ToolArgumentsError);
  });

  it("has no host access and reports the sandbox's errors", async () => {
    const forbidden = createCodeTool({ name: "env", description: "", code: "return process.env" });
    const error = await failure(forbidden.call({ query: "" }, callContext()));
    expect(error).toBeInstanceOf(SandboxError);
    expect(error.code).toBe("code_forbidden");
    const loop = createCodeTool({ name: "loop", description: "", code: "for (;;) {}", timeoutMs: 200 });
    expect((await failure(loop.call({ query: "" }, callContext()))).code).toBe("code_timeout");
    const nothing = createCodeTool({ name: "nothing", description: "", code: "const x = 1;" });
    expect((await failure(nothing.call({ query: "" }, callContext()))).code).toBe("tool_no_result");
  });

  it("refuses an input schema that is not an object schema when built", () => {
    expect(() => createCodeTool({ name: "t", description: "", code: "return 1", inputSchema: "{not json" })).toThrow(ToolConfigError);
    expect(() => createCodeTool({ name: "t", description: "", code: "return 1", inputSchema: { type: "string" } })).toThrow(
      'Tool "t": the input schema must describe an object (type "object")',
    );
  });
});

describe("Workflow tool", () => {
  it("validates the arguments and runs the workflow with them", async () => {
    const runs: JsonObject[] = [];
    const tool = createWorkflowTool({
      name: "lookup",
      description: "Looks a customer up",
      inputSchema: { properties: { email: { type: "string", format: "email" } }, required: ["email"] },
      runWorkflow: async (args, context) => {
        runs.push(args);
        return itemsAsToolResult([{ json: { found: true, key: context.idempotencyKey } }]);
      },
    });
    expect(await tool.call({ email: "a@example.com" }, callContext())).toEqual({ found: true, key: "exec:Agent:call-1" });
    expect(runs).toEqual([{ email: "a@example.com" }]);
    expect(await failure(tool.call({ email: "not an email" }, callContext()))).toBeInstanceOf(ToolArgumentsError);
    expect(runs).toHaveLength(1);
  });

  it("shapes items for the model", () => {
    expect(itemsAsToolResult([])).toBeNull();
    expect(itemsAsToolResult([{ json: { a: 1 } }, { json: { a: 2 } }])).toEqual([{ a: 1 }, { a: 2 }]);
    expect(itemsAsToolResult([{ json: { response: "hi", other: 1 } }], "response")).toBe("hi");
    expect(itemsAsToolResult([{ json: { response: 1 } }, { json: { response: 2 } }], "response")).toEqual([1, 2]);
    expect(() => itemsAsToolResult([{ json: { answer: 1 } }], "response", "ask")).toThrow('The workflow of tool "ask" returned no "response" field (it returned "answer")');
  });
});

describe("Calculator tool", () => {
  it("calculates arithmetic, functions and units", async () => {
    const tool = createCalculatorTool();
    expect(tool.name).toBe("calculator");
    expect(await tool.call({ expression: "2 * (3 + 4)" }, callContext())).toBe(14);
    expect(await tool.call({ expression: "sqrt(16) / 8" }, callContext())).toBe(0.5);
    expect(await tool.call({ expression: "5 km to mile" }, callContext())).toBe("3.1068559611867 mile");
    expect(calculate("1 + 1; 2 * 3")).toBe(6);
    expect(calculate("1 / 0")).toBe("Infinity");
  });

  it("refuses what could change the instance or grow without bound", () => {
    for (const [expression, reason] of [
      ["import({ x: 1 })", "import is not available"],
      ["1:1e9", "range is not available"],
      ["zeros(1e5, 1e5)", "zeros is not available"],
      ['evaluate("1 + 1")', "evaluate is not available"],
      ["a = [1]; a = [a, a]", "defining variables or functions is not available"],
      ["f(x) = f(x); f(1)", "defining variables or functions is not available"],
    ]) {
      expect(() => calculate(expression!)).toThrow(reason);
    }
    expect(() => calculate("1+".repeat(600))).toThrow("longer than 1000 characters");
  });

  it("returns a bad expression to the model as a tool error", async () => {
    const error = await failure(createCalculatorTool().call({ expression: "2 +* 3" }, callContext()));
    expect(error.code).toBe("tool_invalid_request");
    expect(error.message).toMatch(/^Cannot calculate "2 \+\* 3": /);
    expect(await failure(createCalculatorTool().call({}, callContext()))).toBeInstanceOf(ToolArgumentsError);
  });
});
