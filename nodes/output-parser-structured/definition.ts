/**
 * Structured Output Parser (n8n: `@n8n/n8n-nodes-langchain.outputParserStructured`): the JSON Schema an agent's or a
 * chain's final answer must match — given as an example (n8n's default, `schemaType: "fromJson"`) or as a schema
 * (`manual`). The consumer asks the model for that JSON, reads it with `parse`, and gives the model one repair round
 * with the error when it does not match (lib/ai/structured-answer.ts).
 */
import { z } from "zod";
import { compileSchema, describeProblems, schemaFromExample, validateArguments } from "@/lib/ai/json-schema";
import type { OutputParser } from "@/lib/ai/output-parser";
import { isJsonObject, type JsonObject, type JsonValue } from "@/lib/workflow/items";
import { defineSubNode } from "@/lib/workflow/node-definition";

const DEFAULT_EXAMPLE = '{\n  "state": "California",\n  "cities": ["Los Angeles", "San Francisco", "San Diego"]\n}';

const parameters = z
  .object({
    schemaType: z.enum(["fromJson", "manual"]).default("fromJson"),
    /** An example of the answer (JSON text): every property becomes required, with its type. */
    jsonSchemaExample: z.string().default(DEFAULT_EXAMPLE),
    /** A JSON Schema of the answer (JSON text). */
    inputSchema: z.string().optional(),
  })
  .superRefine((value, context) => {
    const text = value.schemaType === "fromJson" ? value.jsonSchemaExample : value.inputSchema;
    const key = value.schemaType === "fromJson" ? "jsonSchemaExample" : "inputSchema";
    if (text?.includes("{{")) return;
    try {
      answerSchema(value);
    } catch (error) {
      context.addIssue({ code: "custom", path: [key], message: (error as Error).message });
    }
  });

type Parameters = z.infer<typeof parameters>;

function parseJsonText(text: string, what: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The JSON Schema of the answer, checked to compile. */
export function answerSchema(p: Parameters): JsonObject {
  let schema: JsonObject;
  if (p.schemaType === "fromJson") {
    schema = schemaFromExample(parseJsonText(p.jsonSchemaExample, "the JSON example"));
  } else {
    if (!p.inputSchema?.trim()) throw new Error("give the JSON Schema of the answer, or use schemaType fromJson with an example");
    const value = parseJsonText(p.inputSchema, "the JSON Schema");
    if (!isJsonObject(value)) throw new Error("the JSON Schema must be an object");
    schema = value;
  }
  compileSchema(schema);
  return schema;
}

/** The answer's JSON: the whole text, or the body of a ```json fence when the model wrapped it in one. */
function answerJson(text: string): JsonValue {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(trimmed);
  try {
    return JSON.parse(fenced ? fenced[1] : trimmed) as JsonValue;
  } catch (error) {
    throw new Error(`the answer is not JSON (${(error as Error).message})`);
  }
}

export function createStructuredOutputParser(schema: JsonObject): OutputParser {
  return {
    jsonSchema: schema,
    parse(text) {
      const value = answerJson(text);
      const result = validateArguments(schema, value);
      if (!result.valid) throw new Error(`the answer does not match the schema: ${describeProblems(result.problems)}`);
      return value;
    },
  };
}

export const outputParserStructured = defineSubNode({
  type: "hetumind.outputParserStructured",
  version: 1,
  displayName: "Structured Output Parser",
  description: "Makes an AI Agent or a Basic LLM Chain answer with JSON that matches a schema (given as an example or as a JSON Schema).",
  group: "ai",
  icon: "braces",
  aliases: ["json output", "structured output", "schema"],
  inputs: [],
  outputs: [{ kind: "ai_outputParser", name: "Output Parser" }],
  parameters,
  parameterHints: {
    schemaType: { label: "Schema type", description: "fromJson: generate the schema from an example; manual: write the JSON Schema" },
    jsonSchemaExample: { label: "JSON example", editor: "json", displayWhen: { schemaType: ["fromJson"] } },
    inputSchema: { label: "JSON Schema", editor: "json", displayWhen: { schemaType: ["manual"] } },
  },
  // The consumer calls the model and owns the checkpoints.
  sideEffects: false,
  supply(context) {
    return createStructuredOutputParser(answerSchema(context.parameters));
  },
});
