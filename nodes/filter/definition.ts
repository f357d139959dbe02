import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";
import { conditionsSchema, evaluateConditions } from "../shared/conditions";

/** Keeps the items that meet its conditions and drops the rest. */
export const filter = defineNode({
  type: "hetumind.filter",
  version: 1,
  displayName: "Filter",
  description: "Keeps only the items that meet the conditions.",
  group: "flow",
  icon: "filter",
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main", name: "kept" }],
  parameters: z.object({ conditions: conditionsSchema }),
  sideEffects: false,
  execute(context) {
    return [
      context.items
        .map((item, itemIndex) => ({ item: { ...item, pairedItem: { item: itemIndex } }, keep: evaluateConditions(context.parameters(itemIndex).conditions) }))
        .filter((entry) => entry.keep)
        .map((entry) => entry.item),
    ];
  },
});
