import type { WorkflowInput } from "@/lib/workflow/schema";

type Node = WorkflowInput["nodes"][number];

const trigger: Node = { id: "trigger", name: "Start", type: "hetumind.manualTrigger", position: [0, 0], parameters: {} };

function chainOf(name: string, nodes: Node[]): WorkflowInput {
  const all = [trigger, ...nodes];
  const connections: WorkflowInput["connections"] = {};
  for (let index = 0; index < all.length - 1; index++) {
    connections[all[index].name] = { main: [[{ node: all[index + 1].name, type: "main", index: 0 }]] };
  }
  return { name, nodes: all, connections, settings: {} };
}

/** Manual Trigger then N No-Op nodes: the engine's per-node overhead. */
export function noOpChain(count: number): WorkflowInput {
  return chainOf(
    `chain-${count}`,
    Array.from({ length: count }, (_, index) => ({ id: `n${index}`, name: `No-Op ${index + 1}`, type: "hetumind.noOp", position: [index * 200, 0], parameters: {} })),
  );
}

/** Code emits 10,000 items, Edit Fields adds a field, If keeps v > 4, Code counts the true branch (5,000). */
export function tenThousandItems(): WorkflowInput {
  return chainOf("10k-items", [
    {
      id: "emit",
      name: "Emit",
      type: "hetumind.code",
      parameters: { mode: "runOnceForAllItems", jsCode: "const out = [];\nfor (let i = 0; i < 10000; i++) out.push({ json: { i, v: i % 10 } });\nreturn out;" },
    },
    {
      id: "set",
      name: "Add Field",
      type: "hetumind.set",
      parameters: { assignments: { assignments: [{ name: "tag", value: "bench", type: "string" }] } },
    },
    {
      id: "if",
      name: "Big",
      type: "hetumind.if",
      parameters: { conditions: { combinator: "and", conditions: [{ leftValue: "={{ $json.v }}", rightValue: 4, operator: { type: "number", operation: "gt" } }] } },
    },
    { id: "count", name: "Count", type: "hetumind.code", parameters: { mode: "runOnceForAllItems", jsCode: "return [{ json: { count: $input.all().length } }];" } },
  ]);
}

/** Manual Trigger then N HTTP Request nodes against a local server: one checkpoint per node. */
export function httpChain(count: number, url: string): WorkflowInput {
  return chainOf(
    `http-${count}`,
    Array.from({ length: count }, (_, index) => ({
      id: `h${index}`,
      name: `Call ${index + 1}`,
      type: "hetumind.httpRequest",
      parameters: { method: "GET", url },
    })),
  );
}
