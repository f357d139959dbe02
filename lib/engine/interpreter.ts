import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { Database } from "@/lib/db/client";
import { ExecutionCancelledError, ExecutionTimeoutError, HetumindError, NodeExecutionError } from "@/lib/errors";
import type { ExpressionData } from "@/lib/workflow/expressions";
import type { Item, JsonObject, NodeOutput } from "@/lib/workflow/items";
import type { ExecuteContext, ExecutionWrite, NodeLogger, PauseRequest, ResumeValue, WorkflowReference } from "@/lib/workflow/node-definition";
import type { CompiledNode, CompiledWorkflow } from "./compiled-workflow";
import type { Activation, InputSource, NodeRunRecord, RunState, SerializedError } from "./run-state";
import { isGraphInterrupt } from "./graph-interrupt";
import { pickReadyActivation } from "./readiness";
import { compactOutput } from "./stored-output";
import { suppliedResolver } from "./supply";
import { type ModelCallUsage, summarizeUsage } from "@/lib/workflow/usage";

/** Everything a segment needs from the execution around it. */
export interface SegmentEnvironment {
  compiled: CompiledWorkflow;
  executionId: string;
  workspaceId: string;
  mode: ExecuteContext<unknown>["execution"]["mode"];
  signal: AbortSignal;
  /** Epoch ms after which the execution fails with a timeout; Infinity for none. */
  deadline: number;
  /** A segment also ends (and is checkpointed) after this much pure computation. */
  timeBudgetMs: number;
  /** How many times loop nodes may run in one execution. */
  maxLoopTurns: number;
  /** Keep each node's output items for the UI (`settings.saveExecution` !== "none"). */
  saveOutputs: boolean;
  logger: NodeLogger;
  isCancelled(): boolean;
  /** Pauses via LangGraph `interrupt()`: throws on the first pass, returns the resume value when resumed. */
  pause(request: PauseRequest, node: string): ResumeValue;
  runWorkflow(reference: WorkflowReference, items: Item[], caller: { node: string; idempotencyKey: string }): Promise<Item[]>;
  /** Waits between retries; injectable so tests need not sleep. */
  sleep(ms: number): Promise<void>;
  /** Loads the credential of `type` the node references (lib/credentials/resolve.ts); see `ExecuteContext.getCredential`. */
  getCredential?(type: string, node: CompiledNode): Promise<Record<string, string> | undefined>;
  /** The execution's checkpointer, handed to nodes that run a durable subgraph of their own (the AI Agent; docs/ai.md). */
  checkpointer?: BaseCheckpointSaver;
  /** The execution's database, handed to sub-nodes that keep data of their own (chat memory). Default: the checkpointer's. */
  database?: Database;
  /**
   * This segment is the first of an execution this process just created: no node of it ran before, so nothing durable
   * of theirs exists yet (see `ExecuteContext.firstTry`).
   */
  newExecution?: boolean;
  /** See `ExecuteContext.withNextWrite`. */
  withNextWrite?(write: ExecutionWrite): void;
  /**
   * Set while the execution's row is being written (the run started without waiting for it): resolves once it is. A
   * side-effect node waits for it before it runs, unless its effects follow its own checkpoints.
   */
  recorded?(): Promise<void>;
}

export interface SegmentResult {
  state: RunState;
  runs: NodeRunRecord[];
}

export function serializeError(error: unknown, node?: string): SerializedError {
  if (HetumindError.isInstance(error)) {
    return { message: error.message, code: error.code, node: (error.fields.node as string | undefined) ?? node, fields: error.fields };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, code: "node_failed", node };
}

/** Wraps what a node threw so that it always names the node. */
function asNodeError(error: unknown, node: string): HetumindError {
  if (HetumindError.isInstance(error)) {
    if (error.fields.node === undefined) {
      const message = error.message.startsWith(`Node "${node}"`) ? error.message : `Node "${node}": ${error.message}`;
      return new NodeExecutionError(message, { ...error.fields, node }, { cause: error, code: error.code });
    }
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NodeExecutionError(`Node "${node}": ${message}`, { node }, { cause: error });
}

/** Exponential backoff: `waitBetweenTries` before the 2nd try, twice that before the 3rd, ... capped at one minute. */
export function retryDelay(waitBetweenTries: number, attempt: number): number {
  return Math.min(60_000, waitBetweenTries * 2 ** (attempt - 1));
}

function countItems(lists: Array<Item[] | null>): number {
  return lists.reduce((sum, list) => sum + (list?.length ?? 0), 0);
}

class SegmentRun {
  readonly state: RunState;
  readonly runs: NodeRunRecord[] = [];

  constructor(previous: RunState, private readonly env: SegmentEnvironment) {
    // Shallow copies: LangGraph keeps the previous value; items themselves are never mutated by nodes.
    this.state = {
      ...previous,
      stack: [...previous.stack],
      outputs: { ...previous.outputs },
      runCounts: { ...previous.runCounts },
      nodeState: { ...previous.nodeState },
      segments: previous.segments + 1,
    };
  }

  private expressionData(activation: Activation, itemIndex: number, now: Date): ExpressionData {
    const inputItems = activation.inputs[0] ?? activation.inputs.find((input) => input !== null) ?? [];
    return {
      item: inputItems[itemIndex],
      itemIndex,
      inputItems,
      nodeOutput: (name: string) => this.state.outputs[name],
      hasNode: (name: string) => this.env.compiled.nodes.has(name),
      executionId: this.env.executionId,
      workflow: { id: this.env.compiled.workflow.id, name: this.env.compiled.workflow.name },
      now,
    };
  }

  private context(compiled: CompiledNode, activation: Activation, attempt: number, nodeState: JsonObject, runIndex: number, usage: ModelCallUsage[]): ExecuteContext<unknown> {
    const { node, definition } = compiled;
    const env = this.env;
    let resolve: ((itemIndex: number) => unknown) | undefined;
    const now = new Date();
    const idempotencyKey = `${env.executionId}:${node.name}:${attempt}`;
    const items = activation.inputs[0] ?? [];
    return {
      node: { id: node.id, name: node.name, type: node.type },
      execution: { id: env.executionId, mode: env.mode, workspaceId: env.workspaceId },
      workflow: { id: env.compiled.workflow.id, name: env.compiled.workflow.name },
      inputs: activation.inputs,
      items,
      parameters: (itemIndex = 0) => {
        if (compiled.staticParameters !== undefined) return compiled.staticParameters;
        resolve ??= compiled.parameterPlan.resolver((index) => this.expressionData(activation, index, now));
        return resolve(itemIndex);
      },
      rawParameters: node.parameters,
      nodeOutput: (name: string) => this.state.outputs[name],
      idempotencyKey,
      attempt,
      signal: env.signal,
      logger: env.logger,
      pause: (request) => env.pause(request, node.name),
      runWorkflow: (reference, input) => env.runWorkflow(reference, input, { node: node.name, idempotencyKey }),
      state: nodeState,
      timeRemaining: () => env.deadline - Date.now(),
      getCredential: async (type) => {
        if (!env.getCredential) throw new NodeExecutionError(`Node "${node.name}": credentials are not available here`, { node: node.name });
        return env.getCredential(type, compiled);
      },
      supplied: suppliedResolver(env, { consumer: compiled, idempotencyKey, expressionData: (index) => this.expressionData(activation, index, now) }),
      runIndex,
      firstTry: env.newExecution === true && attempt === 1,
      checkpointer: env.checkpointer,
      recordUsage: (call) => usage.push({ ...call }),
      withNextWrite: env.withNextWrite,
    };
  }

  /** Runs one node with its retries; returns its output or the final error. */
  private async execute(
    compiled: CompiledNode,
    activation: Activation,
    runIndex: number,
  ): Promise<{ output: NodeOutput; attempt: number; error?: HetumindError; nodeState: JsonObject; usage: ModelCallUsage[] }> {
    const { node, definition } = compiled;
    if (!definition.execute) {
      // Unreachable for a valid workflow: a sub-node has no main input, so nothing can activate it.
      const error = new NodeExecutionError(`Node "${node.name}" (${node.type}) is a sub-node: it supplies its consumer and never runs on items`, { node: node.name }, { code: "sub_node_activated" });
      return { output: [], attempt: 1, error, nodeState: this.state.nodeState[node.name] ?? {}, usage: [] };
    }
    // Model calls of every attempt: a failed try's calls were made (and paid for) too.
    const usage: ModelCallUsage[] = [];
    const maxTries = node.retryOnFail ? (node.maxTries ?? 3) : 1;
    let lastError: HetumindError | undefined;
    for (let attempt = 1; attempt <= maxTries; attempt++) {
      const nodeState = structuredClone(this.state.nodeState[node.name] ?? {});
      try {
        const output = await definition.execute(this.context(compiled, activation, attempt, nodeState, runIndex, usage));
        return { output, attempt, nodeState, usage };
      } catch (error) {
        if (isGraphInterrupt(error)) throw error;
        lastError = asNodeError(error, node.name);
        this.env.logger.warn("node attempt failed", { executionId: this.env.executionId, node: node.name, attempt, error: lastError.message });
        if (this.env.signal.aborted) break;
        if (attempt < maxTries) await this.env.sleep(retryDelay(node.waitBetweenTries ?? 1000, attempt));
      }
    }
    return { output: [], attempt: maxTries, error: lastError, nodeState: this.state.nodeState[node.name] ?? {}, usage };
  }

  private keepOutput(name: string): boolean {
    const referenced = this.env.compiled.referencedOutputs;
    return referenced === "all" || referenced.has(name);
  }

  private arrive(target: string, index: number, items: Item[], source: InputSource): void {
    const compiled = this.env.compiled.nodes.get(target);
    if (!compiled) return;
    if (compiled.inputCount > 1) {
      const waiting = this.state.stack.find((activation) => activation.node === target && activation.inputs[index] === null);
      if (waiting) {
        waiting.inputs = waiting.inputs.map((input, position) => (position === index ? items : input));
        waiting.sources = waiting.sources.map((entry, position) => (position === index ? source : entry));
        return;
      }
    }
    const slots = Math.max(compiled.inputCount, 1);
    const inputs: Array<Item[] | null> = Array.from({ length: slots }, (_, position) => (position === index ? items : null));
    const sources: Array<InputSource | null> = Array.from({ length: slots }, (_, position) => (position === index ? source : null));
    this.state.stack.push({ node: target, inputs, sources });
  }

  private fail(error: SerializedError): void {
    this.state.failed = error;
    this.state.done = true;
    this.state.stack = [];
  }

  /**
   * A loop body that returned no items for a batch does not call its loop node again; n8n then ends the run with the
   * remaining batches silently skipped. Here the loop node is activated again (with no items back) so that it hands out
   * its next batch, and finally everything it collected on `done`.
   */
  private resumeStalledLoop(): boolean {
    const stalled = Object.keys(this.state.nodeState).find(
      (name) => this.env.compiled.nodes.get(name)?.definition.loop === true && this.state.nodeState[name]?.loop !== undefined,
    );
    if (!stalled) return false;
    this.state.stack.push({ node: stalled, inputs: [[]], sources: [null] });
    return true;
  }

  /** Runs nodes until the workflow ends or a segment boundary: after a side effect, before a pause, at the time budget. */
  async run(): Promise<SegmentResult> {
    const started = performance.now();
    let ran = 0;
    while (this.state.stack.length > 0 || this.resumeStalledLoop()) {
      const position = pickReadyActivation(this.env.compiled, this.state.stack);
      const activation = this.state.stack[position];
      const compiled = this.env.compiled.nodes.get(activation.node)!;
      const { node, definition } = compiled;
      if (ran > 0 && definition.pauses && !node.disabled) break;
      if (ran > 0 && performance.now() - started > this.env.timeBudgetMs) break;
      if (this.env.isCancelled()) {
        this.fail(serializeError(new ExecutionCancelledError(this.env.executionId)));
        break;
      }
      if (Date.now() > this.env.deadline) {
        const seconds = this.env.compiled.workflow.settings.executionTimeout ?? 0;
        this.fail(serializeError(new ExecutionTimeoutError(this.env.executionId, seconds), node.name));
        break;
      }
      if (definition.loop) {
        this.state.loopTurns += 1;
        if (this.state.loopTurns > this.env.maxLoopTurns) {
          this.fail({ code: "loop_limit", node: node.name, message: `Node "${node.name}": the loop turned more than ${this.env.maxLoopTurns} times (settings.maxLoopIterations)` });
          break;
        }
      }
      this.state.stack.splice(position, 1);
      ran += 1;

      const runIndex = this.state.runCounts[node.name] ?? 0;
      this.state.runCounts[node.name] = runIndex + 1;
      const startedAt = new Date();
      const clock = performance.now();
      let output: NodeOutput;
      let attempt = 1;
      let error: HetumindError | undefined;
      let usage: ModelCallUsage[] = [];
      if (node.disabled) {
        output = [activation.inputs[0] ?? []];
      } else {
        if (definition.sideEffects && !definition.effectsFollowItsCheckpoints) await this.env.recorded?.();
        const result = await this.execute(compiled, activation, runIndex);
        output = result.output;
        attempt = result.attempt;
        error = result.error;
        usage = result.usage;
        if (Object.keys(result.nodeState).length > 0) this.state.nodeState[node.name] = result.nodeState;
        else delete this.state.nodeState[node.name];
      }
      if (error && this.env.isCancelled()) {
        error = new ExecutionCancelledError(this.env.executionId);
      } else if (error && Date.now() > this.env.deadline) {
        error = new ExecutionTimeoutError(this.env.executionId, this.env.compiled.workflow.settings.executionTimeout ?? 0);
      } else if (error && (node.onError === "continue" || node.onError === "continueRegularOutput" || node.onError === "continueErrorOutput")) {
        output = [[{ json: { error: error.message }, error: { message: error.message, code: error.code } }]];
        error = undefined;
      }
      if (!error && node.alwaysOutputData && countItems(output) === 0) output = [[{ json: {} }]];
      const durationMs = performance.now() - clock;
      this.runs.push({
        nodeName: node.name,
        nodeType: node.type,
        runIndex,
        attempt,
        status: error ? "failed" : "succeeded",
        startedAt,
        finishedAt: new Date(startedAt.getTime() + durationMs),
        durationMs,
        itemsIn: countItems(activation.inputs),
        itemsOut: countItems(output),
        input: activation.sources,
        // Only an input that came from a recorded node can be referred to.
        output: this.env.saveOutputs ? (activation.sources[0] ? compactOutput(output, activation.inputs[0]) : output) : null,
        error: error ? serializeError(error, node.name) : null,
        ...(usage.length > 0 ? { usage: summarizeUsage(usage) } : {}),
      });
      if (error) {
        this.env.logger.error("node failed", { executionId: this.env.executionId, node: node.name, workspaceId: this.env.workspaceId, error: error.message });
        this.fail(serializeError(error, node.name));
        break;
      }
      this.state.lastNode = node.name;
      this.state.lastOutput = output.find((list) => list && list.length > 0) ?? [];
      if (this.keepOutput(node.name)) this.state.outputs[node.name] = output[0] ?? [];
      // Depth-first: output 0's targets are pushed last so that they run first.
      for (let outputIndex = compiled.outgoing.length - 1; outputIndex >= 0; outputIndex--) {
        const items = output[outputIndex];
        if (!items || items.length === 0) continue;
        const targets = compiled.outgoing[outputIndex];
        for (let targetIndex = targets.length - 1; targetIndex >= 0; targetIndex--) {
          const target = targets[targetIndex];
          this.arrive(target.node, target.index, items, { node: node.name, output: outputIndex, run: runIndex });
        }
      }
      if (definition.sideEffects && !node.disabled) break;
    }
    if (this.state.stack.length === 0) this.state.done = true;
    return { state: this.state, runs: this.runs };
  }
}

/** Runs one segment of an execution: the interpreter body of the compiled graph's single LangGraph node. */
export function runSegment(previous: RunState, env: SegmentEnvironment): Promise<SegmentResult> {
  return new SegmentRun(previous, env).run();
}
