import { beforeAll, describe, expect, it } from "vitest";
import { SandboxError } from "@/lib/errors";
import { loadSandbox } from "@/lib/sandbox";
import type { Item } from "@/lib/workflow/items";
import { code } from "@/nodes/code/definition";
import { createNodeContext, type NodeContextOptions } from "../helpers/node-context";

const input: Item[] = [
  { json: { name: "Ada", amount: 10 } },
  { json: { name: "Bob", amount: 25 } },
  { json: { name: "Cy", amount: 5 } },
];

async function run(parameters: Record<string, unknown>, options: NodeContextOptions = {}) {
  const context = createNodeContext(code, { items: input, nodeName: "My Code", ...options, parameters });
  const output = await code.execute(context);
  return { items: output[0] ?? [], output, context };
}

async function failure(parameters: Record<string, unknown>, options: NodeContextOptions = {}): Promise<SandboxError> {
  try {
    await run(parameters, options);
  } catch (error) {
    if (error instanceof SandboxError) return error;
    throw error;
  }
  throw new Error("expected the Code node to fail");
}

beforeAll(async () => {
  await loadSandbox();
});

describe("declaration", () => {
  it("is hetumind.code, a side-effect-free transform whose jsCode is never expression-evaluated", () => {
    expect(code).toMatchObject({ type: "hetumind.code", group: "transform", icon: "code", sideEffects: false, rawParameterKeys: ["jsCode"] });
    expect(code.inputs).toEqual([{ kind: "main" }]);
    expect(code.outputs).toEqual([{ kind: "main" }]);
    expect(code.parameters.parse({})).toMatchObject({ mode: "runOnceForAllItems", timeoutMs: 5000, memoryLimitMb: 64 });
    expect(code.parameters.safeParse({ timeoutMs: 60_001 }).success).toBe(false);
    expect(code.parameters.safeParse({ language: "python" }).error?.issues[0]?.message).toContain("only JavaScript is supported");
  });
});

describe("run once for all items", () => {
  it("sees items and $input, and returns [items]", async () => {
    const { output, items } = await run({
      jsCode: "const total = items.reduce((sum, item) => sum + item.json.amount, 0);\nreturn [{ json: { total, count: $input.all().length, first: $input.first().json.name, last: $input.last().json.name } }];",
    });
    expect(output).toHaveLength(1);
    expect(items).toEqual([{ json: { total: 40, count: 3, first: "Ada", last: "Cy" } }]);
  });

  it("wraps plain objects as items and pairs same-count outputs by position", async () => {
    const { items } = await run({ jsCode: "return $input.all().map(item => ({ upper: item.json.name.toUpperCase() }));" });
    expect(items).toEqual([
      { json: { upper: "ADA" }, pairedItem: { item: 0 } },
      { json: { upper: "BOB" }, pairedItem: { item: 1 } },
      { json: { upper: "CY" }, pairedItem: { item: 2 } },
    ]);
  });

  it("lets the code change the items it received and return them", async () => {
    const { items } = await run({ jsCode: "for (const item of items) item.json.doubled = item.json.amount * 2;\nreturn items;" });
    expect(items.map((item) => item.json.doubled)).toEqual([20, 50, 10]);
    expect(input[0].json.doubled).toBeUndefined();
  });

  it("accepts a single object, keeps binary and pairedItem the code sets", async () => {
    expect((await run({ jsCode: "return { json: { one: 1 } };" })).items).toEqual([{ json: { one: 1 } }]);
    const { items } = await run({
      jsCode: "return [{ json: { a: 1 }, binary: { file: { mimeType: 'text/plain', data: 'aGk=', fileName: 'hi.txt' } }, pairedItem: { item: 2 } }];",
    });
    expect(items).toEqual([{ json: { a: 1 }, binary: { file: { mimeType: "text/plain", data: "aGk=", fileName: "hi.txt" } }, pairedItem: { item: 2 } }]);
  });

  it("explains that $json belongs to the other mode", async () => {
    const error = await failure({ jsCode: "\nreturn [{ json: { n: $json.name } }];" });
    expect(error.code).toBe("code_threw");
    expect(error.message).toContain("$json is only available in 'Run Once for Each Item' mode");
    expect(error.fields.line).toBe(2);
  });

  it("lets the code declare its own items/$input variables", async () => {
    const { items } = await run({ jsCode: "const items = $input.all().slice(0, 1);\nreturn items;" });
    expect(items).toHaveLength(1);
  });
});

describe("run once for each item", () => {
  it("runs once per item with $json, $input.item and $itemIndex", async () => {
    const { items } = await run({
      mode: "runOnceForEachItem",
      jsCode: "return { json: { name: $json.name, index: $itemIndex, same: $input.item.json.name === $json.name } };",
    });
    expect(items).toEqual([
      { json: { name: "Ada", index: 0, same: true }, pairedItem: { item: 0 } },
      { json: { name: "Bob", index: 1, same: true }, pairedItem: { item: 1 } },
      { json: { name: "Cy", index: 2, same: true }, pairedItem: { item: 2 } },
    ]);
  });

  it("wraps a plain object and supports await", async () => {
    const { items } = await run({ mode: "runOnceForEachItem", jsCode: "const value = await Promise.resolve($json.amount);\nreturn { cents: value * 100 };" });
    expect(items.map((item) => item.json)).toEqual([{ cents: 1000 }, { cents: 2500 }, { cents: 500 }]);
  });

  it("names the item whose code failed, with the user's line", async () => {
    const error = await failure({
      mode: "runOnceForEachItem",
      jsCode: "if ($json.name === 'Bob') {\n  throw new Error('Bob is not allowed');\n}\nreturn $json;",
    });
    expect(error.code).toBe("code_threw");
    expect(error.fields).toMatchObject({ node: "My Code", line: 2, itemIndex: 1 });
    expect(error.message).toBe("Error: Bob is not allowed [line 2, item 1]");
  });

  it("refuses an item the code returned nothing for", async () => {
    const error = await failure({ mode: "runOnceForEachItem", jsCode: "if ($itemIndex === 2) return;\nreturn $json;" });
    expect(error.code).toBe("code_invalid_result");
    expect(error.fields.itemIndex).toBe(2);
    expect(error.message).toContain("returned nothing for item 2");
  });
});

describe("workflow data", () => {
  it("reads other nodes with $('Node') and $node, and the execution and workflow", async () => {
    const { items } = await run(
      {
        mode: "runOnceForEachItem",
        jsCode:
          "return { rate: $('Rates').item.json.rate, legacy: $node['Rates'].json.rate, all: $('Rates').all().length, " +
          "execution: $execution.id, workflow: $workflow.name, year: $now.year, today: $today.toISO().slice(11) };",
      },
      {
        items: input.slice(0, 2),
        nodeOutputs: { Rates: [{ json: { rate: 1.1 } }, { json: { rate: 1.2 } }] },
        executionId: "exec-42",
        workflow: { id: "wf", name: "Invoices" },
      },
    );
    expect(items.map((item) => item.json)).toEqual([
      { rate: 1.1, legacy: 1.1, all: 2, execution: "exec-42", workflow: "Invoices", year: new Date().getUTCFullYear(), today: "00:00:00.000Z" },
      { rate: 1.2, legacy: 1.2, all: 2, execution: "exec-42", workflow: "Invoices", year: new Date().getUTCFullYear(), today: "00:00:00.000Z" },
    ]);
  });

  it("says when a referenced node has no data, at the user's line", async () => {
    const error = await failure({ jsCode: "const x = 1;\nreturn $('Missing').all();" });
    expect(error.message).toBe('Error: Node "Missing" does not exist or has not run yet in this execution [line 2]');
    expect(error.fields.node).toBe("My Code");
  });
});

describe("errors, limits and logs", () => {
  it("a throw names the node and the user's line", async () => {
    const error = await failure({ jsCode: "const a = 1;\nconst b = null;\nreturn b.value;" });
    expect(error).toBeInstanceOf(SandboxError);
    expect(error.fields).toMatchObject({ node: "My Code", line: 3 });
    expect(error.message).toBe("TypeError: Cannot read properties of null (reading 'value') [line 3]");
  });

  it("refuses host access", async () => {
    expect((await failure({ jsCode: "return require('fs').readdirSync('/')" })).code).toBe("code_forbidden");
    expect((await failure({ jsCode: "process.exit(0)" })).code).toBe("code_forbidden");
  });

  it("stops at its time limit", async () => {
    const error = await failure({ jsCode: "while (true) {}", timeoutMs: 100 });
    expect(error.code).toBe("code_timeout");
    expect(error.message).toBe("stopped after 100 ms: the code ran longer than the time limit");
  });

  it("never runs past the execution's remaining time", async () => {
    const error = await failure({ jsCode: "while (true) {}", timeoutMs: 60_000 }, { timeRemaining: () => 80 });
    expect(error.code).toBe("code_timeout");
    expect(error.message).toContain("stopped after 80 ms");
  });

  it("stops at its memory limit", async () => {
    const error = await failure({ jsCode: "const a = []; while (true) a.push('x'.repeat(1e5) + a.length);", memoryLimitMb: 16 });
    expect(error.code).toBe("code_memory");
  });

  it("refuses results that are not items", async () => {
    expect((await failure({ jsCode: "return 42;" })).message).toContain("is a number");
    expect((await failure({ jsCode: "return [{ json: 'text' }];" })).message).toContain('has a "json" that is a string');
    expect((await failure({ jsCode: "// forgot to return" })).message).toContain("the code returned nothing");
  });

  it("forwards console output to the node's logger, also when the code fails", async () => {
    const { context } = await run({ jsCode: "console.log('processing', items.length);\nconsole.warn('careful');\nreturn items;" });
    expect(context.logs).toEqual([
      { level: "info", message: "processing 3", fields: { node: "My Code", source: "code", console: "log" } },
      { level: "warn", message: "careful", fields: { node: "My Code", source: "code", console: "warn" } },
    ]);
    const failing = createNodeContext(code, { items: input, nodeName: "My Code", parameters: { jsCode: "console.error('about to fail');\nnull.x;" } });
    await expect(code.execute(failing)).rejects.toThrow(SandboxError);
    expect(failing.logs).toEqual([{ level: "error", message: "about to fail", fields: { node: "My Code", source: "code", console: "error" } }]);
  });

  it("resolves expressions in its other parameters, never in jsCode", async () => {
    const { items } = await run({ jsCode: "return [{ json: { text: '{{ $json.name }}' } }];", timeoutMs: "{{ 1000 + 500 }}" });
    expect(items).toEqual([{ json: { text: "{{ $json.name }}" } }]);
  });
});
