/**
 * Structured answers with an output parser: the model is told the JSON Schema its answer must match; an answer the parser
 * refuses gets one repair round (the model sees its answer and the parser's error), then the call fails with a clear error.
 */
import type { ModelMessage } from "ai";
import { HetumindError } from "@/lib/errors";
import type { JsonValue } from "@/lib/workflow/items";
import type { OutputParser } from "./output-parser";

export class OutputParseError extends HetumindError {
  constructor(message: string, fields: { node?: string; answer: string }, options?: { cause?: unknown }) {
    super("output_parse_failed", message, fields, options);
  }
}

/** The system message with the parser's format instructions appended. */
export function withFormatInstructions(system: string | undefined, parser: OutputParser): string {
  const instructions = [
    parser.formatInstructions ?? "",
    `Answer with a single JSON value (no prose, no code fence) that matches this JSON Schema:\n${JSON.stringify(parser.jsonSchema)}`,
  ]
    .filter((line) => line.trim() !== "")
    .join("\n\n");
  return system && system.trim() !== "" ? `${system}\n\n${instructions}` : instructions;
}

export type ParseOutcome = { ok: true; value: JsonValue } | { ok: false; error: string };

export async function tryParse(parser: OutputParser, text: string): Promise<ParseOutcome> {
  try {
    return { ok: true, value: await parser.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The messages of the repair round: the rejected answer and why. */
export function repairMessages(answer: string, error: string): ModelMessage[] {
  return [
    { role: "assistant", content: answer },
    { role: "user", content: `Your answer does not match the required format: ${error}\nAnswer again with only the corrected JSON.` },
  ];
}
