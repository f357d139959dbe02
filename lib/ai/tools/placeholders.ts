/**
 * `{name}` placeholders in the HTTP tool's URL, query, headers and body: the parameters the model fills. Each is declared
 * with a type and description; the declarations become the tool's JSON schema.
 */
import type { JsonObject, JsonValue } from "@/lib/workflow/items";
import { ToolConfigError } from "./errors";

export type PlaceholderType = "string" | "number" | "integer" | "boolean" | "json";

export interface PlaceholderDefinition {
  name: string;
  description?: string;
  type: PlaceholderType;
  /** Default true. An optional placeholder the model leaves out becomes "" in text, and drops a query parameter or body field that is exactly it. */
  required?: boolean;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const EXACT_PLACEHOLDER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The placeholder names used in `text`. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

/** The name when `text` is exactly one placeholder (`"{id}"`), else undefined. */
export function exactPlaceholder(text: string): string | undefined {
  return EXACT_PLACEHOLDER.exec(text)?.[1];
}

/** Checks declarations (unique names) and that every placeholder used is declared. */
export function checkPlaceholders(definitions: readonly PlaceholderDefinition[], used: Iterable<string>, tool: string): void {
  const declared = new Set<string>();
  for (const definition of definitions) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(definition.name)) {
      throw new ToolConfigError(`Tool "${tool}": placeholder name "${definition.name}" must be letters, digits and "_" (not starting with a digit)`, { tool, parameter: "placeholders" });
    }
    if (declared.has(definition.name)) throw new ToolConfigError(`Tool "${tool}": placeholder "${definition.name}" is declared twice`, { tool, parameter: "placeholders" });
    declared.add(definition.name);
  }
  const undeclared = [...new Set(used)].filter((name) => !declared.has(name));
  if (undeclared.length > 0) {
    throw new ToolConfigError(
      `Tool "${tool}": placeholder${undeclared.length === 1 ? "" : "s"} ${undeclared.map((name) => `{${name}}`).join(", ")} ${undeclared.length === 1 ? "is" : "are"} used but not declared`,
      { tool, parameter: "placeholders" },
    );
  }
}

/** The JSON schema of the arguments: one property per placeholder. */
export function placeholdersSchema(definitions: readonly PlaceholderDefinition[]): JsonObject {
  const properties: JsonObject = {};
  for (const definition of definitions) {
    const property: JsonObject = definition.type === "json" ? {} : { type: definition.type };
    if (definition.description) property.description = definition.description;
    properties[definition.name] = property;
  }
  return {
    type: "object",
    properties,
    required: definitions.filter((definition) => definition.required !== false).map((definition) => definition.name),
    additionalProperties: false,
  };
}

function asText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Replaces every placeholder in `text` by its value as text; `encode` escapes each value (URL paths). */
export function fillText(text: string, args: JsonObject, encode: (value: string) => string = (value) => value): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => encode(asText(args[name])));
}

/**
 * Fills a JSON body template: a string that is exactly `"{name}"` becomes the value with its type (an object field left
 * out when the model gave none); placeholders inside longer strings are replaced as text. Keys are never filled, so a
 * model cannot add fields.
 */
export function fillJson(template: JsonValue, args: JsonObject): JsonValue | undefined {
  if (typeof template === "string") {
    const exact = exactPlaceholder(template);
    if (exact !== undefined) return args[exact];
    return fillText(template, args);
  }
  if (Array.isArray(template)) return template.map((entry) => fillJson(entry, args) ?? null);
  if (template !== null && typeof template === "object") {
    const result: JsonObject = {};
    for (const [key, value] of Object.entries(template)) {
      const filled = fillJson(value, args);
      if (filled !== undefined) result[key] = filled;
    }
    return result;
  }
  return template;
}

/** Every placeholder used in a JSON template's string values. */
export function placeholdersInJson(template: JsonValue): string[] {
  if (typeof template === "string") return placeholdersIn(template);
  if (Array.isArray(template)) return template.flatMap(placeholdersInJson);
  if (template !== null && typeof template === "object") return Object.values(template).flatMap(placeholdersInJson);
  return [];
}
