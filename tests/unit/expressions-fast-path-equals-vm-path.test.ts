import { beforeAll, describe, expect, it } from "vitest";
import { loadSandbox } from "@/lib/sandbox";
import { evaluateExpression, type ExpressionData } from "@/lib/workflow/expressions";
import { parsePlainPath } from "@/lib/workflow/expressions/fast-path";
import { expressionData } from "../helpers/node-context";

const data = expressionData({
  items: [
    {
      json: {
        a: { b: { c: 42 } },
        list: [10, { deep: ["x", "y"] }, null],
        "key with space": "spaced",
        "0": "zero",
        nothing: null,
        text: "hello",
        flag: false,
        zero: 0,
      },
    },
    { json: { a: { b: { c: 7 } }, list: [] } },
  ],
  nodeOutputs: { Source: [{ json: { v: "s0", nested: { k: 1 } } }] },
  workflowNodes: ["Source", "Unrun"],
});
const withoutItem: ExpressionData = { ...data, item: undefined, inputItems: [] };

beforeAll(async () => {
  await loadSandbox();
});

type Outcome = { value: unknown } | { error: string };

function outcome(run: () => unknown): Outcome {
  try {
    return { value: run() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const plainPaths = [
  "$json.a.b.c",
  "$json.a.b",
  "$json['a']['b']",
  '$json["key with space"]',
  "$json.list[0]",
  "$json.list[1].deep[1]",
  "$json.list[5]",
  "$json.list[2]",
  "$json[0]",
  "$json.nothing",
  "$json.flag",
  "$json.zero",
  "$json.missing",
  "$json.missing.deeper",
  "$json.nothing.deeper",
  "$json.list[2].x",
  "$json.missing?.deeper",
  "$json.a?.b?.c",
  "$json.missing?.['x'].y",
  "$json",
  "$input.item.json.a",
  "$input.item.json.missing.x",
  "$('Source').item.json.v",
  "$('Source').item.json.nested",
  "$('Unrun').item.json.v",
  "$('Nope').item.json",
  '$node["Source"].json.nested.k',
  "$node.Source.json.v",
  "$execution.id",
  "$workflow.id",
  "$workflow.name",
  "$workflow",
  "$itemIndex",
  "$now",
  "$today",
  "  $json . a . b . c  ",
];

describe("the host fast path", () => {
  it("handles every plain path of the list (so the comparison below is meaningful)", () => {
    for (const path of plainPaths) expect(parsePlainPath(path), path).toBeDefined();
  });

  it("leaves non-plain expressions to the VM", () => {
    for (const source of ["$json.a.b.c + 1", "$json.text.length", "$json.list.length", "$json.a.constructor", "$json.toString", "$('Source').first().json", "$json.f()"]) {
      const path = parsePlainPath(source);
      if (path) expect(evaluateExpression(source, data), source).toEqual(evaluateExpression(source, data, { fastPath: false }));
    }
  });

  for (const [label, scenario] of [
    ["item 0", data],
    ["item 1 (second item: pairing fails for Source)", { ...data, item: data.inputItems[1], itemIndex: 1 }],
    ["no input item", withoutItem],
  ] as const) {
    it(`gives the same value or the same error as the VM — ${label}`, () => {
      for (const path of plainPaths) {
        const fast = outcome(() => evaluateExpression(path, scenario));
        const vm = outcome(() => evaluateExpression(path, scenario, { fastPath: false }));
        expect(fast, path).toEqual(vm);
      }
    });
  }

  it("returns copies: changing a resolved object does not change the item", () => {
    const resolved = evaluateExpression("$json.a", data) as { b: { c: number } };
    resolved.b.c = 0;
    expect(evaluateExpression("$json.a.b.c", data)).toBe(42);
  });
});
