import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";
import type { Item, JsonObject, JsonValue } from "@/lib/workflow/items";
import { HetumindError } from "@/lib/errors";
import { cloneJson, deletePath, fieldList, getPath, setPath } from "../shared/field-path";

const assignmentSchema = z.object({
  id: z.string().optional(),
  name: z.string().min(1, "a field needs a name"),
  value: z.json().optional(),
  type: z.enum(["string", "number", "boolean", "array", "object"]).default("string"),
});

const parameters = z.object({
  assignments: z.object({ assignments: z.array(assignmentSchema).default([]) }).default({ assignments: [] }),
  /** Which incoming fields are kept besides the assignments (n8n: includeOtherFields + include). */
  include: z.enum(["all", "none", "selected", "except"]).default("all"),
  includeFields: z.union([z.string(), z.array(z.string())]).optional(),
  excludeFields: z.union([z.string(), z.array(z.string())]).optional(),
  rename: z.array(z.object({ from: z.string().min(1), to: z.string().min(1) })).default([]),
  remove: z.union([z.string(), z.array(z.string())]).optional(),
  options: z.object({ dotNotation: z.boolean().default(true) }).default({ dotNotation: true }),
});

type Assignment = z.infer<typeof assignmentSchema>;

function convert(assignment: Assignment, index: number): JsonValue {
  const value = assignment.value ?? null;
  const fail = (why: string) =>
    new HetumindError("set_type", `field "${assignment.name}": ${why}`, { parameter: `assignments.assignments[${index}].value` });
  switch (assignment.type) {
    case "string":
      return value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
    case "number": {
      const number = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      if (Number.isNaN(number)) throw fail(`${JSON.stringify(value)} is not a number`);
      return number;
    }
    case "boolean":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "false") return value === "true";
      throw fail(`${JSON.stringify(value)} is not a boolean`);
    case "array":
    case "object": {
      let parsed: unknown = value;
      if (typeof value === "string") {
        try {
          parsed = JSON.parse(value);
        } catch {
          throw fail(`${JSON.stringify(value)} is not valid JSON for an ${assignment.type}`);
        }
      }
      const ok = assignment.type === "array" ? Array.isArray(parsed) : typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
      if (!ok) throw fail(`${JSON.stringify(value)} is not an ${assignment.type}`);
      // Parameters are shared by every item (and cached): each item gets its own copy.
      return cloneJson(parsed as JsonValue);
    }
  }
}

function baseFields(json: JsonObject, include: z.infer<typeof parameters>["include"], includeFields: string[], excludeFields: string[]): JsonObject {
  switch (include) {
    case "all":
      return cloneJson(json);
    case "none":
      return {};
    case "selected": {
      const kept: JsonObject = {};
      for (const field of includeFields) {
        const value = getPath(json, field);
        if (value !== undefined) setPath(kept, field, cloneJson(value));
      }
      return kept;
    }
    case "except": {
      const kept = cloneJson(json);
      excludeFields.forEach((field) => deletePath(kept, field));
      return kept;
    }
  }
}

/** Edit Fields (n8n's Set): set typed fields, rename, remove, keep only some. */
export const set = defineNode({
  type: "hetumind.set",
  version: 1,
  displayName: "Edit Fields (Set)",
  description: "Adds, changes, renames or removes fields of every item.",
  group: "transform",
  icon: "pen",
  aliases: ["set", "edit fields", "rename", "remove fields"],
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main" }],
  parameters,
  parameterHints: {
    include: { label: "Keep other fields", description: "all, none, only the selected ones, or all except some" },
    includeFields: { label: "Fields to keep", displayWhen: { include: ["selected"] } },
    excludeFields: { label: "Fields to drop", displayWhen: { include: ["except"] } },
  },
  sideEffects: false,
  execute(context) {
    const output: Item[] = context.items.map((item, itemIndex) => {
      const parameters = context.parameters(itemIndex);
      const json = baseFields(item.json, parameters.include, fieldList(parameters.includeFields), fieldList(parameters.excludeFields));
      for (const { from, to } of parameters.rename) {
        const value = getPath(json, from);
        if (value === undefined) continue;
        deletePath(json, from);
        setPath(json, to, value);
      }
      fieldList(parameters.remove).forEach((field) => deletePath(json, field));
      parameters.assignments.assignments.forEach((assignment, index) => {
        const value = convert(assignment, index);
        if (parameters.options.dotNotation) setPath(json, assignment.name, value);
        else json[assignment.name] = value;
      });
      return { json, pairedItem: { item: itemIndex } };
    });
    return [output];
  },
});
