import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";
import type { Item } from "@/lib/workflow/items";
import { conditionsSchema, evaluateConditions } from "../shared/conditions";

/** Routes each item to `true` or `false` by its conditions (string, number, boolean, date, array, exists; AND/OR). */
export const ifNode = defineNode({
  type: "hetumind.if",
  version: 1,
  displayName: "If",
  description: "Routes items to true or false by conditions.",
  group: "flow",
  icon: "split",
  aliases: ["condition", "branch"],
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main", name: "true" }, { kind: "main", name: "false" }],
  parameters: z.object({ conditions: conditionsSchema }),
  sideEffects: false,
  execute(context) {
    const matched: Item[] = [];
    const unmatched: Item[] = [];
    context.items.forEach((item, itemIndex) => {
      const target = evaluateConditions(context.parameters(itemIndex).conditions) ? matched : unmatched;
      target.push({ ...item, pairedItem: { item: itemIndex } });
    });
    return [matched, unmatched];
  },
});
