/**
 * The Code tool: JavaScript the workflow author writes, run in the QuickJS sandbox (lib/sandbox) each time the model
 * calls the tool. The code sees `query` (the `query` argument with the default schema, the whole arguments object with a
 * declared one) and `args` (always the arguments object), and returns the tool's result (any JSON value).
 */
import type { AgentTool, AgentToolCallContext } from "@/lib/ai/agent-tool";
import { assertArguments } from "@/lib/ai/json-schema";
import { loadSandbox, prepareVm, resolveLimits, runUserCode, type SandboxLimits } from "@/lib/sandbox";
import { isJsonObject, type JsonObject, type JsonValue } from "@/lib/workflow/items";
import { assertToolName, ToolExecutionError } from "./errors";
import { declaredInputSchema, queryInputSchema } from "./input-schema";

export interface CodeToolOptions {
  name: string;
  description: string;
  /** The body of a function: `return` gives the result; `await` works. */
  code: string;
  /** A JSON schema for the arguments (object or JSON text); default one `query` string. */
  inputSchema?: JsonObject | string;
  /** Default 5 000 ms (the sandbox's own limits apply). */
  timeoutMs?: number;
  memoryLimitMb?: number;
  node?: string;
}

export function createCodeTool(options: CodeToolOptions): AgentTool {
  const tool = assertToolName(options.name, { node: options.node });
  const declared = options.inputSchema !== undefined;
  const inputSchema = declared ? declaredInputSchema(options.inputSchema!, tool, options.node) : queryInputSchema();
  const limits: Partial<SandboxLimits> = {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.memoryLimitMb !== undefined ? { memoryLimitBytes: options.memoryLimitMb * 1024 * 1024 } : {}),
  };
  // The agent that got this tool is about to wait for its memory and its model: its first call's VM is built meanwhile.
  prepareVm(resolveLimits(limits));
  return {
    name: tool,
    description: options.description,
    inputSchema,
    // The sandbox has no network, no timers and no host access: a call computes its result from its arguments.
    pure: true,
    async call(rawArgs: JsonValue, context: AgentToolCallContext): Promise<JsonValue> {
      context.signal.throwIfAborted();
      const args = assertArguments(inputSchema, rawArgs ?? {}, tool);
      const values: JsonObject = isJsonObject(args) ? args : {};
      await loadSandbox();
      const { value } = runUserCode({
        code: options.code,
        globals: { query: declared ? values : (values.query ?? ""), args: values },
        label: `the Code tool "${tool}"`,
        ...(options.node ? { node: options.node } : {}),
        ...limits,
      });
      if (value === undefined) {
        throw new ToolExecutionError(`The Code tool "${tool}" returned nothing: its code must return a value`, { tool, ...(options.node ? { node: options.node } : {}) }, { code: "tool_no_result" });
      }
      return value;
    },
  };
}
