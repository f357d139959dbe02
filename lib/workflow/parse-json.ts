import { parse as parseTolerant, printParseErrorCode, type ParseError } from "jsonc-parser";
import { WorkflowParseError } from "@/lib/errors";

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

/**
 * Parses JSON text. A syntax error becomes a `WorkflowParseError` with the line and column: V8's own messages do not
 * always carry a position, so the first error's offset comes from jsonc-parser (strict: no comments, no trailing commas).
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const offset = first ? first.offset : text.length;
    const { line, column } = lineAndColumn(text, offset);
    const reason = first ? printParseErrorCode(first.error) : error instanceof Error ? error.message : String(error);
    throw new WorkflowParseError(reason, line, column, { cause: error });
  }
}
