import { WorkflowParseError } from "@/lib/errors";

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return { line, column };
}

/** Parses JSON text; a syntax error becomes a `WorkflowParseError` with the line and column. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const lineColumn = /line (\d+) column (\d+)/.exec(message);
    if (lineColumn) {
      throw new WorkflowParseError(message, Number(lineColumn[1]), Number(lineColumn[2]), { cause: error });
    }
    const position = /position (\d+)/.exec(message);
    const { line, column } = lineAndColumn(text, position ? Number(position[1]) : text.length);
    throw new WorkflowParseError(message, line, column, { cause: error });
  }
}
