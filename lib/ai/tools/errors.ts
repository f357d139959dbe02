/**
 * Errors of the agent tools. `ToolConfigError` is the workflow author's (a bad template, schema or name: raised when the
 * tool is built, so validation or the sub-node's supply reports it); `ToolExecutionError` is a call that failed (the agent
 * hands its message to the model as the tool result).
 */
import { HetumindError, type ErrorFields } from "@/lib/errors";

export class ToolConfigError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { tool?: string } = {}, options?: { cause?: unknown }) {
    super("tool_config_invalid", message, fields, options);
  }
}

export class ToolExecutionError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { tool: string }, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? "tool_failed", message, fields, options);
  }
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Tool names are what models accept: letters, digits, `_` and `-`, at most 64. */
export function assertToolName(name: string, fields: ErrorFields = {}): string {
  if (!TOOL_NAME.test(name)) {
    throw new ToolConfigError(`Tool name "${name.slice(0, 80)}" is invalid: use letters, digits, "_" and "-" (at most 64)`, { ...fields, tool: name, parameter: fields.parameter ?? "name" });
  }
  return name;
}

/** Makes any label a valid tool name ("Get weather!" -> "Get_weather_"). */
export function toToolName(label: string): string {
  return label.trim().replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 64) || "tool";
}
