import { z } from "zod";
import { HetumindError, NodeExecutionError, SandboxError } from "@/lib/errors";
import { loadSandbox } from "@/lib/sandbox/module";
import type { ConsoleEntry } from "@/lib/sandbox/session";
import { defineNode, type NodeLogger } from "@/lib/workflow/node-definition";
import { runCode } from "./run";

const DEFAULT_CODE = `// Loop over the input items and add a field to each
for (const item of $input.all()) {
  item.json.myNewField = 1;
}

return $input.all();`;

const parameters = z.object({
  mode: z.enum(["runOnceForAllItems", "runOnceForEachItem"]).default("runOnceForAllItems"),
  /** n8n's Code node also has Python; only JavaScript runs here, so an imported Python node fails validation clearly. */
  language: z.literal("javaScript", { error: "only JavaScript is supported (language must be \"javaScript\")" }).optional(),
  jsCode: z.string().default(DEFAULT_CODE),
  /** Wall-clock limit of one run (both modes: the whole run, not per item). */
  timeoutMs: z.number().int().min(1).max(60_000).default(5_000),
  /** How much the run may grow the sandbox heap (input items count too). */
  memoryLimitMb: z.number().int().min(1).max(256).default(64),
});

function forwardLogs(logger: NodeLogger, node: string, logs: readonly unknown[]): void {
  for (const entry of logs as ConsoleEntry[]) {
    const fields = { node, source: "code", console: entry.level };
    if (entry.level === "error") logger.error(entry.message, fields);
    else if (entry.level === "warn") logger.warn(entry.message, fields);
    else logger.info(entry.message, fields);
  }
}

export const code = defineNode({
  type: "hetumind.code",
  version: 1,
  displayName: "Code",
  description: "Runs JavaScript over the items, in a sandbox with no access to the host (no files, network or process).",
  group: "transform",
  icon: "code",
  aliases: ["javascript", "js", "function", "script"],
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main" }],
  parameters,
  parameterHints: {
    mode: { label: "Mode", description: "Run the code once for all items, or once for each item" },
    jsCode: {
      label: "JavaScript",
      editor: "code",
      description:
        "The body of a function: `return` the items. All items: `items`, `$input.all()`; each item: `$json`, `$input.item`, `$itemIndex`. " +
        "Also `$('Node name')`, `$node`, `$execution`, `$workflow`, `$now`, `console.log`.",
    },
    timeoutMs: { label: "Time limit (ms)" },
    memoryLimitMb: { label: "Memory limit (MB)" },
  },
  rawParameterKeys: ["jsCode"],
  sideEffects: false,
  async execute(context) {
    await loadSandbox();
    const { mode, jsCode, timeoutMs, memoryLimitMb } = context.parameters();
    const node = context.node.name;
    const remaining = context.timeRemaining();
    if (context.signal.aborted) throw new NodeExecutionError(`Node "${node}": cancelled before the code ran`, { node }, { code: "node_cancelled" });
    try {
      const result = runCode({
        code: jsCode,
        mode,
        items: context.items,
        timeoutMs: Math.max(1, Math.min(timeoutMs, Number.isFinite(remaining) ? Math.floor(remaining) : timeoutMs)),
        memoryLimitBytes: memoryLimitMb * 1024 * 1024,
        node,
        data: {
          nodeOutput: (name) => context.nodeOutput(name),
          executionId: context.execution.id,
          workflow: context.workflow,
          now: new Date(),
        },
      });
      forwardLogs(context.logger, node, result.logs);
      return [result.items];
    } catch (error) {
      if (error instanceof SandboxError) {
        forwardLogs(context.logger, node, (error.fields.logs as unknown[] | undefined) ?? []);
        throw error;
      }
      if (HetumindError.isInstance(error)) throw error;
      throw new NodeExecutionError(`Node "${node}": ${error instanceof Error ? error.message : String(error)}`, { node }, { cause: error });
    }
  },
});
