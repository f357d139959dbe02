/**
 * The input schema of a tool whose author declares it (Code tool, Workflow tool): either the default — one `query`
 * string — or a JSON schema for an object, checked once when the tool is built.
 */
import { compileSchema, schemaFromExample } from "@/lib/ai/json-schema";
import { isJsonObject, type JsonObject, type JsonValue } from "@/lib/workflow/items";
import { ToolConfigError } from "./errors";

export function queryInputSchema(description = "The input for the tool"): JsonObject {
  return { type: "object", properties: { query: { type: "string", description } }, required: ["query"], additionalProperties: false };
}

/** Parses (when text) and checks a declared input schema: an object schema that ajv compiles. */
export function declaredInputSchema(schema: JsonObject | string, tool: string, node?: string): JsonObject {
  let value: JsonValue;
  if (typeof schema === "string") {
    try {
      value = JSON.parse(schema) as JsonValue;
    } catch (error) {
      throw new ToolConfigError(`Tool "${tool}": the input schema is not valid JSON: ${(error as Error).message}`, { tool, node, parameter: "inputSchema" }, { cause: error });
    }
  } else {
    value = schema;
  }
  if (!isJsonObject(value) || (value.type !== undefined && value.type !== "object")) {
    throw new ToolConfigError(`Tool "${tool}": the input schema must describe an object (type "object")`, { tool, node, parameter: "inputSchema" });
  }
  const objectSchema: JsonObject = { type: "object", ...value };
  try {
    compileSchema(objectSchema, tool);
  } catch (error) {
    throw new ToolConfigError((error as Error).message, { tool, node, parameter: "inputSchema" }, { cause: error });
  }
  return objectSchema;
}

/** The input schema generated from an example arguments object (JSON text or value). */
export function inputSchemaFromExample(example: JsonValue | string, tool: string, node?: string): JsonObject {
  let value: JsonValue;
  try {
    value = typeof example === "string" ? (JSON.parse(example) as JsonValue) : example;
  } catch (error) {
    throw new ToolConfigError(`Tool "${tool}": the JSON example is not valid JSON: ${(error as Error).message}`, { tool, node, parameter: "jsonSchemaExample" }, { cause: error });
  }
  if (!isJsonObject(value)) {
    throw new ToolConfigError(`Tool "${tool}": the JSON example must be an object (the tool's arguments)`, { tool, node, parameter: "jsonSchemaExample" });
  }
  return { ...schemaFromExample(value), additionalProperties: false };
}
