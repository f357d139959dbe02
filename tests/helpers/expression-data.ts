/** `ExpressionData` for tests: items on input 0, other nodes' outputs, fixed time and ids. */
import type { ExpressionData } from "@/lib/workflow/expressions";
import type { Item } from "@/lib/workflow/items";

export interface ExpressionDataOptions {
  items?: Item[];
  itemIndex?: number;
  nodeOutputs?: Record<string, Item[]>;
  /** Every node of the workflow, to tell "does not exist" from "has not run". */
  workflowNodes?: string[];
  executionId?: string;
  workflow?: { id?: string; name: string };
  now?: Date;
}

export function expressionData(options: ExpressionDataOptions = {}): ExpressionData {
  const items = options.items ?? [];
  const itemIndex = options.itemIndex ?? 0;
  const outputs = options.nodeOutputs ?? {};
  return {
    item: items[itemIndex],
    itemIndex,
    inputItems: items,
    nodeOutput: (name) => outputs[name],
    hasNode: options.workflowNodes ? (name) => options.workflowNodes!.includes(name) : undefined,
    executionId: options.executionId ?? "exec-1",
    workflow: options.workflow ?? { id: "wf-1", name: "Orders" },
    now: options.now ?? new Date("2024-05-06T07:08:09.010Z"),
  };
}
