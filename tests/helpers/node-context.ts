/**
 * Builds an `ExecuteContext` for calling a node's `execute` directly in a test, the way the engine would:
 * `parameters(i)` resolves the raw parameters' `{{ expressions }}` for item i (lib/workflow/expressions) and parses them
 * with the node's zod schema; `nodeOutput(name)` serves `nodeOutputs`. Log lines are collected in `context.logs`.
 *
 *   await loadSandbox();   // once, when parameters hold expressions the VM must evaluate, or for the Code node
 *   const context = createNodeContext(code, { parameters: { jsCode: "return items" }, items: [{ json: { a: 1 } }] });
 *   const [output] = await code.execute(context);
 */
import type { z } from "zod";
import { NodeExecutionError } from "@/lib/errors";
import { resolveParameters, type ExpressionData } from "@/lib/workflow/expressions";
import type { Item, JsonObject } from "@/lib/workflow/items";
import type { ExecuteContext, NodeDefinition, NodeLogger, PauseRequest, ResumeValue, WorkflowReference } from "@/lib/workflow/node-definition";

export interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
  fields?: Record<string, unknown>;
}

export interface NodeContextOptions {
  /** Parameters as written in the workflow (templates allowed). */
  parameters?: Record<string, unknown>;
  /** Items on main input 0. */
  items?: Item[];
  /** All main inputs (overrides `items`). */
  inputs?: Array<Item[] | null>;
  nodeName?: string;
  nodeId?: string;
  /** Latest main output 0 of other nodes, for `$('Name')` and `context.nodeOutput`. */
  nodeOutputs?: Record<string, Item[]>;
  /** Names of every node of the workflow (to tell "does not exist" from "has not run"). */
  workflowNodes?: string[];
  executionId?: string;
  workspaceId?: string;
  workflow?: { id?: string; name: string };
  mode?: ExecuteContext<unknown>["execution"]["mode"];
  now?: Date;
  attempt?: number;
  signal?: AbortSignal;
  timeRemaining?: () => number;
  state?: JsonObject;
  pause?: (request: PauseRequest) => ResumeValue;
  runWorkflow?: (reference: WorkflowReference, items: Item[]) => Promise<Item[]>;
}

export type TestExecuteContext<Parameters> = ExecuteContext<Parameters> & { logs: LogLine[] };

export function createNodeContext<Schema extends z.ZodType>(
  definition: NodeDefinition<Schema>,
  options: NodeContextOptions = {},
): TestExecuteContext<z.infer<Schema>> {
  const inputs = options.inputs ?? [options.items ?? []];
  const items = inputs[0] ?? [];
  const nodeName = options.nodeName ?? definition.displayName;
  const executionId = options.executionId ?? "test-execution";
  const workflow = options.workflow ?? { id: "test-workflow", name: "Test workflow" };
  const rawParameters = options.parameters ?? {};
  const nodeOutputs = options.nodeOutputs ?? {};
  const now = options.now ?? new Date();
  const logs: LogLine[] = [];
  const logger: NodeLogger = {
    info: (message, fields) => logs.push({ level: "info", message, fields }),
    warn: (message, fields) => logs.push({ level: "warn", message, fields }),
    error: (message, fields) => logs.push({ level: "error", message, fields }),
  };
  const attempt = options.attempt ?? 1;

  const expressionData = (itemIndex: number): ExpressionData => ({
    item: items[itemIndex],
    itemIndex,
    inputItems: items,
    nodeOutput: (name) => nodeOutputs[name],
    hasNode: options.workflowNodes ? (name) => options.workflowNodes!.includes(name) : undefined,
    executionId,
    workflow,
    now,
  });

  const cache = new Map<number, z.infer<Schema>>();
  return {
    logs,
    node: { id: options.nodeId ?? `${nodeName}-id`, name: nodeName, type: definition.type },
    execution: { id: executionId, mode: options.mode ?? "manual", workspaceId: options.workspaceId ?? "test-workspace" },
    workflow,
    inputs,
    items,
    parameters(itemIndex = 0) {
      const cached = cache.get(itemIndex);
      if (cached !== undefined) return cached;
      const resolved = resolveParameters(rawParameters, expressionData(itemIndex), {
        node: nodeName,
        rawKeys: definition.rawParameterKeys,
      });
      const parsed = definition.parameters.safeParse(resolved);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const parameter = issue.path.map(String).join(".");
        throw new NodeExecutionError(`Node "${nodeName}": parameter "${parameter}" (item ${itemIndex}): ${issue.message}`, { node: nodeName, parameter }, { code: "parameter_invalid" });
      }
      cache.set(itemIndex, parsed.data);
      return parsed.data;
    },
    rawParameters,
    nodeOutput: (name) => nodeOutputs[name],
    idempotencyKey: `${executionId}:${nodeName}:${attempt}`,
    attempt,
    signal: options.signal ?? new AbortController().signal,
    logger,
    pause: options.pause ?? (() => {
      throw new Error("this test context does not support pause()");
    }),
    runWorkflow: options.runWorkflow ?? (() => Promise.reject(new Error("this test context does not support runWorkflow()"))),
    state: options.state ?? {},
    timeRemaining: options.timeRemaining ?? (() => Number.POSITIVE_INFINITY),
  };
}

// ---------------------------------------------------------------------------------------------------------------
/** `ExpressionData` for tests of expressions: items on input 0, other nodes' outputs, fixed time and ids. */

export interface ExpressionDataOptions {
  items?: Item[];
  itemIndex?: number;
  nodeOutputs?: Record<string, Item[]>;
  /** Every node of the workflow, to tell "does not exist" from "has not run". */
  workflowNodes?: string[];
  executionId?: string;
  workflow?: { id?: string; name: string };
  now?: Date;
}

export function expressionData(options: ExpressionDataOptions = {}): ExpressionData {
  const items = options.items ?? [];
  const itemIndex = options.itemIndex ?? 0;
  const outputs = options.nodeOutputs ?? {};
  return {
    item: items[itemIndex],
    itemIndex,
    inputItems: items,
    nodeOutput: (name) => outputs[name],
    hasNode: options.workflowNodes ? (name) => options.workflowNodes!.includes(name) : undefined,
    executionId: options.executionId ?? "exec-1",
    workflow: options.workflow ?? { id: "wf-1", name: "Orders" },
    now: options.now ?? new Date("2024-05-06T07:08:09.010Z"),
  };
}
