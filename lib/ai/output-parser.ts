import type { JsonObject, JsonValue } from "@/lib/workflow/items";

/** What an `ai_outputParser` sub-node supplies: how the final answer must look, and how to read it. */
export interface OutputParser {
  /** The JSON Schema the answer must match; consumers ask the model for structured output with it. */
  jsonSchema: JsonObject;
  /** Extra instructions for the model (appended to the system message). */
  formatInstructions?: string;
  /** Reads the model's final text; throws an error whose message tells the model what was wrong (one repair round uses it). */
  parse(text: string): Promise<JsonValue> | JsonValue;
}

export function isOutputParser(value: unknown): value is OutputParser {
  if (value === null || typeof value !== "object") return false;
  const candidate = value as Partial<OutputParser>;
  return typeof candidate.parse === "function" && typeof candidate.jsonSchema === "object" && candidate.jsonSchema !== null;
}
