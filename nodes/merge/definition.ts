import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";
import type { Item, JsonObject } from "@/lib/workflow/items";
import { fieldList, getPath } from "../shared/field-path";

const parameters = z.object({
  mode: z.enum(["append", "combineByFields", "combineByPosition", "chooseBranch"]).default("append"),
  /** combineByFields: the field on input 1 and on input 2 whose values must be equal. */
  field1: z.string().optional(),
  field2: z.string().optional(),
  joinMode: z.enum(["keepMatches", "keepNonMatches", "keepEverything", "enrichInput1", "enrichInput2"]).default("keepMatches"),
  /** combineByPosition: keep unpaired items of the longer input. */
  includeUnpaired: z.boolean().default(false),
  /** chooseBranch: whose items to output once both inputs have arrived. */
  useDataOfInput: z.union([z.literal(1), z.literal(2)]).default(1),
});

type Parameters = z.infer<typeof parameters>;

function keyOf(item: Item, field: string): string | undefined {
  const value = getPath(item.json, field);
  return value === undefined ? undefined : JSON.stringify(value);
}

function combine(left: JsonObject, right: JsonObject): Item {
  return { json: { ...left, ...right } };
}

function combineByFields(input1: Item[], input2: Item[], parameters: Parameters): Item[] {
  const [field1] = fieldList(parameters.field1);
  const [field2] = fieldList(parameters.field2 ?? parameters.field1);
  const byKey = new Map<string, Item[]>();
  input2.forEach((item) => {
    const key = keyOf(item, field2);
    if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), item]);
  });
  const matchedOn2 = new Set<Item>();
  const output: Item[] = [];
  for (const item of input1) {
    const key = keyOf(item, field1);
    const matches = key === undefined ? [] : (byKey.get(key) ?? []);
    matches.forEach((match) => matchedOn2.add(match));
    switch (parameters.joinMode) {
      case "keepMatches":
        matches.forEach((match) => output.push(combine(item.json, match.json)));
        break;
      case "keepNonMatches":
        if (matches.length === 0) output.push(item);
        break;
      case "keepEverything":
      case "enrichInput1":
        if (matches.length === 0) output.push(item);
        else matches.forEach((match) => output.push(combine(item.json, match.json)));
        break;
      case "enrichInput2":
        break;
    }
  }
  if (parameters.joinMode === "keepNonMatches" || parameters.joinMode === "keepEverything") {
    input2.filter((item) => !matchedOn2.has(item)).forEach((item) => output.push(item));
  }
  if (parameters.joinMode === "enrichInput2") {
    const byKey1 = new Map<string, Item>();
    input1.forEach((item) => {
      const key = keyOf(item, field1);
      if (key !== undefined && !byKey1.has(key)) byKey1.set(key, item);
    });
    input2.forEach((item) => {
      const key = keyOf(item, field2);
      const match = key === undefined ? undefined : byKey1.get(key);
      output.push(match ? combine(match.json, item.json) : item);
    });
  }
  return output;
}

/** Merges the items of two inputs once both have arrived (or cannot arrive any more). */
export const merge = defineNode({
  type: "hetumind.merge",
  version: 1,
  displayName: "Merge",
  description: "Merges two streams of items: append, join by a field, pair by position, or choose one branch.",
  group: "flow",
  icon: "merge",
  aliases: ["join", "combine", "append"],
  inputs: [{ kind: "main", name: "input 1" }, { kind: "main", name: "input 2" }],
  outputs: [{ kind: "main" }],
  parameters: parameters.superRefine((value, context) => {
    if (value.mode === "combineByFields" && !value.field1) {
      context.addIssue({ code: "custom", path: ["field1"], message: "combine by fields needs the field to match on" });
    }
  }),
  sideEffects: false,
  execute(context) {
    const parameters = context.parameters(0);
    const input1 = context.inputs[0] ?? [];
    const input2 = context.inputs[1] ?? [];
    switch (parameters.mode) {
      case "append":
        return [[...input1, ...input2]];
      case "combineByFields":
        return [combineByFields(input1, input2, parameters)];
      case "combineByPosition": {
        const length = parameters.includeUnpaired ? Math.max(input1.length, input2.length) : Math.min(input1.length, input2.length);
        return [Array.from({ length }, (_, index) => combine(input1[index]?.json ?? {}, input2[index]?.json ?? {}))];
      }
      case "chooseBranch":
        return [parameters.useDataOfInput === 1 ? input1 : input2];
    }
  },
});
