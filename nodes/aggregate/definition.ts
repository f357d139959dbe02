import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";
import type { JsonObject, JsonValue } from "@/lib/workflow/items";
import { getPath, setPath } from "../shared/field-path";

/** Collects many items into one: selected fields as lists, or every item's data under one field. */
export const aggregate = defineNode({
  type: "hetumind.aggregate",
  version: 1,
  displayName: "Aggregate",
  description: "Combines all items into a single item with lists of their fields.",
  group: "transform",
  icon: "layers",
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main" }],
  parameters: z.object({
    aggregate: z.enum(["aggregateIndividualFields", "aggregateAllItemData"]).default("aggregateIndividualFields"),
    fieldsToAggregate: z
      .object({
        fieldToAggregate: z
          .array(z.object({ fieldToAggregate: z.string().min(1), renameField: z.boolean().default(false), outputFieldName: z.string().optional() }))
          .default([]),
      })
      .default({ fieldToAggregate: [] }),
    destinationFieldName: z.string().min(1).default("data"),
    options: z.object({ keepMissing: z.boolean().default(false) }).default({ keepMissing: false }),
  }),
  sideEffects: false,
  execute(context) {
    const parameters = context.parameters(0);
    const json: JsonObject = {};
    if (parameters.aggregate === "aggregateAllItemData") {
      json[parameters.destinationFieldName] = context.items.map((item) => item.json);
    } else {
      for (const field of parameters.fieldsToAggregate.fieldToAggregate) {
        const values: JsonValue[] = [];
        for (const item of context.items) {
          const value = getPath(item.json, field.fieldToAggregate);
          if (value !== undefined) values.push(value);
          else if (parameters.options.keepMissing) values.push(null);
        }
        const name = field.renameField && field.outputFieldName ? field.outputFieldName : field.fieldToAggregate;
        setPath(json, name, values);
      }
    }
    return [[{ json }]];
  },
});
