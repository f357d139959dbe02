import { z } from "zod";
import { defineNode, type PortDeclaration } from "@/lib/workflow/node-definition";
import type { Item } from "@/lib/workflow/items";
import { conditionsSchema, evaluateConditions } from "../shared/conditions";

const parameters = z.object({
  rules: z.object({
    values: z
      .array(z.object({ conditions: conditionsSchema, outputKey: z.string().optional() }))
      .min(1, "add at least one rule"),
  }),
  options: z
    .object({
      /** `none`: unmatched items are dropped; `extra`: they go to an extra last output. */
      fallbackOutput: z.enum(["none", "extra"]).default("none"),
      /** Send an item to every rule it matches instead of the first. */
      allMatchingOutputs: z.boolean().default(false),
    })
    .default({ fallbackOutput: "none", allMatchingOutputs: false }),
});

type SwitchParameters = z.infer<typeof parameters>;

function outputs(parameters: SwitchParameters): PortDeclaration[] {
  const rules: PortDeclaration[] = (parameters.rules?.values ?? []).map((rule: SwitchParameters["rules"]["values"][number], index: number) => ({
    kind: "main",
    name: rule.outputKey ?? String(index),
  }));
  return parameters.options?.fallbackOutput === "extra" ? [...rules, { kind: "main", name: "fallback" }] : rules;
}

/** Routes each item to the output of the first rule it matches (or every matching rule), with an optional fallback. */
export const switchNode = defineNode({
  type: "hetumind.switch",
  version: 1,
  displayName: "Switch",
  description: "Routes items to one of several outputs by rules.",
  group: "flow",
  icon: "signpost",
  aliases: ["router", "case"],
  inputs: [{ kind: "main" }],
  outputs,
  parameters,
  sideEffects: false,
  execute(context) {
    const first = context.parameters(0);
    const ruleCount = first.rules.values.length;
    const fallback = first.options.fallbackOutput === "extra";
    const result: Item[][] = Array.from({ length: ruleCount + (fallback ? 1 : 0) }, () => []);
    context.items.forEach((item, itemIndex) => {
      const { rules, options } = context.parameters(itemIndex);
      let matched = false;
      for (let index = 0; index < rules.values.length; index++) {
        if (!evaluateConditions(rules.values[index].conditions)) continue;
        result[index].push({ ...item, pairedItem: { item: itemIndex } });
        matched = true;
        if (!options.allMatchingOutputs) break;
      }
      if (!matched && fallback) result[ruleCount].push({ ...item, pairedItem: { item: itemIndex } });
    });
    return result;
  },
});
