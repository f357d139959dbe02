import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";
import type { Item, JsonObject } from "@/lib/workflow/items";
import { isJsonObject } from "@/lib/workflow/items";
import { HetumindError } from "@/lib/errors";
import { cloneJson, deletePath, fieldList, getPath, setPath } from "../shared/field-path";

/** Turns a list inside an item into one item per entry. */
export const splitOut = defineNode({
  type: "hetumind.splitOut",
  version: 1,
  displayName: "Split Out",
  description: "Turns a list field into separate items.",
  group: "transform",
  icon: "list",
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main" }],
  parameters: z.object({
    fieldToSplitOut: z.string().min(1, "name the list field to split out"),
    include: z.enum(["noOtherFields", "allOtherFields", "selectedOtherFields"]).default("noOtherFields"),
    fieldsToInclude: z.union([z.string(), z.array(z.string())]).optional(),
    options: z.object({ destinationFieldName: z.string().optional() }).default({}),
  }),
  sideEffects: false,
  execute(context) {
    const output: Item[] = [];
    let found = false;
    context.items.forEach((item, itemIndex) => {
      const parameters = context.parameters(itemIndex);
      const fields = fieldList(parameters.fieldToSplitOut);
      if (fields.length !== 1) {
        throw new HetumindError("split_out_fields", `split out one field at a time ("${parameters.fieldToSplitOut}" names ${fields.length})`, { parameter: "fieldToSplitOut" });
      }
      const [field] = fields;
      const value = getPath(item.json, field);
      if (value === undefined) return;
      found = true;
      const entries = Array.isArray(value) ? value : isJsonObject(value) ? Object.values(value) : [value];
      const others: JsonObject = {};
      if (parameters.include === "allOtherFields") Object.assign(others, cloneJson(item.json));
      if (parameters.include === "selectedOtherFields") {
        for (const name of fieldList(parameters.fieldsToInclude)) {
          const kept = getPath(item.json, name);
          if (kept !== undefined) setPath(others, name, kept);
        }
      }
      deletePath(others, field);
      for (const entry of entries) {
        const destination = parameters.options.destinationFieldName;
        if (!destination && !isJsonObject(entry) && parameters.include === "noOtherFields") {
          output.push({ json: { [field]: entry }, pairedItem: { item: itemIndex } });
          continue;
        }
        if (destination) output.push({ json: { ...others, [destination]: entry }, pairedItem: { item: itemIndex } });
        else if (isJsonObject(entry)) output.push({ json: { ...others, ...entry }, pairedItem: { item: itemIndex } });
        else output.push({ json: { ...others, [field]: entry }, pairedItem: { item: itemIndex } });
      }
    });
    if (context.items.length > 0 && !found) {
      throw new HetumindError("field_missing", `no input item has the field "${context.parameters(0).fieldToSplitOut}"`, { parameter: "fieldToSplitOut" });
    }
    return [output];
  },
});
