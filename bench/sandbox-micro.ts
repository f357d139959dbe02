/**
 * Micro-benchmarks of the sandbox, expressions and the Code node. Writes bench/results/sandbox-micro.json.
 *   node --import tsx bench/sandbox-micro.ts
 */
import { loadSandbox, runUserCode, sandboxStats } from "@/lib/sandbox";
import { SandboxVm } from "@/lib/sandbox/vm";
import { evaluateExpression, releaseExpressionVm, resolveParameters, type ExpressionData } from "@/lib/workflow/expressions";
import type { Item } from "@/lib/workflow/items";
import { runCode, type CodeRunInput } from "@/nodes/code/run";
import { summarize, writeSuite, type ScenarioResult } from "./harness";

await loadSandbox();

function measure(runs: number, body: () => number): ReturnType<typeof summarize> {
  for (let warm = 0; warm < 3; warm++) body();
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) samples.push(body());
  return summarize(samples);
}

function timed(body: () => unknown): number {
  const started = performance.now();
  body();
  return performance.now() - started;
}

const items: Item[] = Array.from({ length: 10_000 }, (_, i) => ({ json: { i, v: i % 10, name: `item ${i}`, nested: { a: { b: i } } } }));
const dataFor = (itemIndex: number, executionId = "bench"): ExpressionData => ({
  item: items[itemIndex],
  itemIndex,
  inputItems: items,
  nodeOutput: (name) => (name === "Source" ? items : undefined),
  executionId,
  workflow: { id: "wf", name: "Bench" },
  now: new Date(),
});
const datas = items.map((_, index) => dataFor(index));

/** Microseconds per evaluation over all 10,000 items. */
function perEvaluation(expression: string, options: { fastPath?: boolean } = {}): number {
  return (timed(() => {
    for (const data of datas) evaluateExpression(expression, data, options);
  }) * 1000) / datas.length;
}

const scenarios: ScenarioResult[] = [];
const push = (name: string, unit: string, result: ReturnType<typeof summarize>, extra: Partial<ScenarioResult> = {}) => {
  scenarios.push({ name, unit, ...result, ...extra });
  console.log(`${name.padEnd(48)} median ${result.median} ${unit} (min ${result.min}, max ${result.max})`);
};

push("expression-fast-path-$json.nested.a.b", "µs/evaluation", measure(7, () => perEvaluation("$json.nested.a.b")));
push("expression-vm-path-$json.nested.a.b", "µs/evaluation", measure(7, () => perEvaluation("$json.nested.a.b", { fastPath: false })));
push("expression-vm-$json.v*2", "µs/evaluation", measure(7, () => perEvaluation("$json.v * 2")));
push("expression-vm-string-method", "µs/evaluation", measure(7, () => perEvaluation("$json.name.toUpperCase()")));
push("expression-vm-$input.all().length", "µs/evaluation", measure(7, () => perEvaluation("$input.all().length")));
push("expression-vm-$('Source').item.json.v+1", "µs/evaluation", measure(7, () => perEvaluation("$('Source').item.json.v + 1")));
push(
  "resolveParameters-3-templates-per-item",
  "µs/item",
  measure(7, () => (timed(() => {
    for (const data of datas) {
      resolveParameters({ url: "=https://x/{{ $json.i }}", value: "{{ $json.v * 2 }}", flag: "{{ $json.v > 4 }}", plain: "text" }, data, { node: "Bench" });
    }
  }) * 1000) / datas.length),
);
let executions = 0;
push(
  "expression-vm-first-use-per-execution",
  "ms",
  measure(30, () => {
    const id = `fresh-${executions++}`;
    const took = timed(() => evaluateExpression("$json.v * 2", dataFor(0, id)));
    releaseExpressionVm(id);
    return took;
  }),
);

const base: Omit<CodeRunInput, "code" | "mode" | "items"> = {
  timeoutMs: 10_000,
  memoryLimitBytes: 64 * 1024 * 1024,
  node: "Code",
  data: { nodeOutput: () => undefined, executionId: "bench", workflow: { name: "Bench" }, now: new Date() },
};
const one: Item[] = [{ json: {} }];
const fiveThousand = items.slice(0, 5_000).map((item) => ({ json: { i: item.json.i, v: item.json.v } }));
const code = (name: string, input: Pick<CodeRunInput, "code" | "mode" | "items">, extra: Partial<ScenarioResult> = {}) =>
  push(name, "ms", measure(30, () => timed(() => runCode({ ...base, ...input }))), extra);

code("code-node-trivial", { mode: "runOnceForAllItems", code: "return [{ json: { ok: true } }]", items: one });
code("code-node-return-$input.all()", { mode: "runOnceForAllItems", code: "return $input.all()", items: one });
code(
  "code-node-emit-10k-plain-objects",
  { mode: "runOnceForAllItems", code: "const out = []; for (let i = 0; i < 10000; i++) out.push({ i, v: i % 10 }); return out;", items: one },
);
code(
  "code-node-emit-10k-json-items",
  { mode: "runOnceForAllItems", code: "const out = []; for (let i = 0; i < 10000; i++) out.push({ json: { i, v: i % 10 } }); return out;", items: one },
);
code("code-node-count-5k-input-items", { mode: "runOnceForAllItems", code: "return [{ json: { count: $input.all().length } }];", items: fiveThousand });
code("code-node-each-item-5k", { mode: "runOnceForEachItem", code: "$json.double = $json.v * 2; return $json;", items: fiveThousand });
push("runUserCode-trivial", "ms", measure(30, () => timed(() => runUserCode({ code: "return 1 + 1" }))));

const file = writeSuite("sandbox-micro", scenarios);
console.log(`wrote ${file}`, { fastPolling: SandboxVm.fastPolling(), binaryCodec: SandboxVm.binaryCodecWorks(), ...sandboxStats() });
