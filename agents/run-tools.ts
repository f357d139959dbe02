/**
 * The agent's `tools` step: runs the tool calls one model answer asked for, in parallel. Arguments are validated against the
 * tool's input schema first; an unknown tool, invalid arguments, a tool that throws and a tool that times out all become the
 * tool's result (an error text the model can act on), never a failed run. Only the execution's own abort (cancel, timeout,
 * a crash) stops the step.
 */
import type { ToolModelMessage } from "ai";
import type { AgentTool } from "@/lib/ai/agent-tool";
import { validateArguments } from "@/lib/ai/json-schema";
import type { ModelToolCall } from "@/lib/ai/model-call";
import type { JsonValue } from "@/lib/workflow/items";

export interface ToolStepOptions {
  tools: AgentTool[];
  signal: AbortSignal;
  /** Milliseconds per tool call. */
  timeoutMs: number;
  /** `executionId:agentNode` — with the call's id it makes the tool's idempotency key. */
  idempotencyPrefix: string;
}

export interface ToolOutcome {
  toolCallId: string;
  toolName: string;
  input: JsonValue;
  ok: boolean;
  /** The tool's result, or the error text the model is given. */
  output: JsonValue;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function runOne(call: ModelToolCall, options: ToolStepOptions): Promise<ToolOutcome> {
  const base = { toolCallId: call.toolCallId, toolName: call.toolName, input: call.input };
  const tool = options.tools.find((candidate) => candidate.name === call.toolName);
  if (!tool) {
    const names = options.tools.map((candidate) => candidate.name).join(", ") || "none";
    return { ...base, ok: false, output: `There is no tool named "${call.toolName}" (tools: ${names}).` };
  }
  let validation: ReturnType<typeof validateArguments>;
  try {
    validation = validateArguments(tool.inputSchema, call.input, tool.name);
  } catch (error) {
    // The tool's own schema does not compile: the model cannot fix that, but it may try another way.
    return { ...base, ok: false, output: `The tool "${tool.name}" cannot be used: ${errorText(error)}` };
  }
  if (!validation.valid) return { ...base, ok: false, output: validation.message };
  const controller = new AbortController();
  const signal = AbortSignal.any([options.signal, controller.signal]);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`The tool "${tool.name}" did not answer within ${options.timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, options.timeoutMs);
  });
  try {
    const output = await Promise.race([
      tool.call(validation.value, { signal, toolCallId: call.toolCallId, idempotencyKey: `${options.idempotencyPrefix}:${call.toolCallId}` }),
      timedOut,
    ]);
    return { ...base, ok: true, output: output ?? null };
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason ?? error;
    return { ...base, ok: false, output: `The tool "${tool.name}" failed: ${errorText(error)}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the calls in parallel; the results come back in the order of the calls. */
export async function runToolCalls(calls: ModelToolCall[], options: ToolStepOptions): Promise<ToolOutcome[]> {
  const outcomes = await Promise.all(calls.map((call) => runOne(call, options)));
  options.signal.throwIfAborted();
  return outcomes;
}

/** The tool message that gives the model its results. */
export function toolMessage(outcomes: ToolOutcome[]): ToolModelMessage {
  return {
    role: "tool",
    content: outcomes.map((outcome) => ({
      type: "tool-result" as const,
      toolCallId: outcome.toolCallId,
      toolName: outcome.toolName,
      output: outcome.ok
        ? typeof outcome.output === "string"
          ? { type: "text" as const, value: outcome.output }
          : { type: "json" as const, value: outcome.output }
        : { type: "error-text" as const, value: typeof outcome.output === "string" ? outcome.output : JSON.stringify(outcome.output) },
    })),
  };
}
