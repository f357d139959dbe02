import { createHash, randomUUID } from "node:crypto";
import os from "node:os";
import type { Command } from "@langchain/langgraph";
import type { DatabaseHandle } from "@/lib/db/client";
import { getApproval, getPendingApprovals, createApproval, decideApproval } from "@/lib/db/queries/approvals";
import {
  claimExecution,
  createExecution,
  type CreateExecutionInput,
  pendingExecution,
  type ExecutionWithoutSnapshot,
  extendLease,
  getExecution,
  updateExecutionStatus,
  updateExecutionStatusWith,
} from "@/lib/db/queries/executions";
import { resolveNodeCredential } from "@/lib/credentials/resolve";
import { clearNodeRunOutputs, nodeRunsInsertCte } from "@/lib/db/queries/node-runs";
import { getWorkflow } from "@/lib/db/queries/workflows";
import { noteExecutionEnded } from "@/lib/db/embedded-vacuum";
import { runIdleWorkSoon } from "@/lib/idle-work";
import { DEFAULT_WORKSPACE_ID, type Execution } from "@/lib/db/schema";
import { ExecutionStateError, ExecutionTimeoutError, HetumindError, NodeExecutionError, NotFoundError } from "@/lib/errors";
import { ExecutionNotRecordedError } from "@/lib/db/errors";
import { createLogger, type Logger } from "@/lib/log";
import { lazyModule } from "@/lib/lazy-module";
import { loadSandbox } from "@/lib/sandbox";
import { startErrorWorkflow } from "@/lib/triggers/error-workflow";
import { releaseExpressionVm } from "@/lib/workflow/expressions";
import { toItems, type Item, type JsonValue } from "@/lib/workflow/items";
import type { NodeRegistry, PauseRequest, ResumeValue, WorkflowReference } from "@/lib/workflow/node-definition";
import type { Workflow } from "@/lib/workflow/schema";
import { SegmentCheckpointSaver } from "./checkpointer/segment-checkpoint-saver";
import { deleteSubThreadsStatement, subThreadDeletions } from "./checkpointer/statements";
import { compileWorkflowCached, type CompiledWorkflow } from "./compiled-workflow";
import type { ExecutionGraph } from "./compile";
import { isGraphInterrupt } from "./graph-interrupt";
import { FinishedExecutionWriter } from "./finished-execution-writer";
import { runSegment, serializeError, type SegmentEnvironment } from "./interpreter";
import { initialRunState, type NodeRunRecord, type RunState, type SerializedError } from "./run-state";

// LangGraph loads when a run first goes past its first segment (docs/decisions/server-start-up.md).
const compileModule = lazyModule(() => import("./compile"));

/** compile.ts: LangGraph, loaded when a run goes past its first segment. */
type GraphSide = typeof import("./compile");

export type ExecutionMode = "manual" | "trigger" | "cli" | "subworkflow";

export interface EngineOptions {
  database: DatabaseHandle;
  registry: NodeRegistry;
  /** Identifies this process's leases. */
  workerId?: string;
  leaseMs?: number;
  logger?: Logger;
  /** Lets Execute Workflow run workflow files (the CLI); the server never reads files named by a workflow. */
  loadWorkflowFile?: (path: string) => Promise<unknown>;
  /** Pure computation per segment before a checkpoint; default 1000 ms. */
  timeBudgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Start `settings.errorWorkflow` when an execution fails (lib/triggers/error-workflow.ts); default true. */
  errorWorkflows?: boolean;
}

export interface StartRequest {
  workflow: unknown;
  workflowId?: string | null;
  workspaceId?: string;
  input?: unknown;
  mode?: ExecutionMode;
  parentExecutionId?: string;
  id?: string;
  /** Leave it queued for a worker instead of claiming it for this process. */
  queue?: boolean;
  /**
   * The caller runs the execution at once and waits for it (a webhook that answers from the run, a chat): the run need
   * not wait for its row. Not with `queue`.
   * - A workflow with no side-effect node and no pause is recorded when it ends, if it ends within its first segment:
   *   written once, with its node runs, in one statement (docs/decisions/first-segment-outside-langgraph.md). A run that
   *   goes past its first segment is recorded at that point and continues as usual.
   * - Any other workflow is recorded at once, but `start` does not wait for the row: the run starts while it is being
   *   written, and everything durable or outside the run waits for it (a side-effect node, a checkpoint, the end;
   *   docs/decisions/execution-row-written-while-the-run-starts.md).
   */
  deferRecord?: boolean;
  /**
   * The trigger node the execution starts at (a webhook, a schedule, an error trigger); default: the first trigger. Kept
   * in the snapshot (`meta.hetumindTriggerNode`) so that a resume after a crash starts at the same node.
   */
  triggerNode?: string;
}

const TRIGGER_NODE_META = "hetumindTriggerNode";

/** The trigger an execution starts at: the one named in its snapshot, else the workflow's first. */
export function triggerNodeOf(snapshot: Record<string, unknown>, compiled: CompiledWorkflow): string {
  const meta = snapshot.meta as Record<string, unknown> | null | undefined;
  const named = meta && typeof meta === "object" ? meta[TRIGGER_NODE_META] : undefined;
  return typeof named === "string" && compiled.triggers.includes(named) ? named : compiled.triggers[0];
}

export type ExecutionOutcome =
  | { status: "succeeded"; executionId: string; output: Item[] }
  | { status: "failed" | "cancelled"; executionId: string; error: SerializedError }
  | { status: "waiting"; executionId: string; pause: PauseRequest; approvalId?: string };

export type Decision = { approve: true; data?: JsonValue; comment?: string } | { approve: false; comment?: string };

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_MAX_LOOP_TURNS = 10_000;

/** A uuid derived from a string: a sub-workflow started by the same node attempt is the same execution after a crash. */
function deterministicUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * An execution this process created and has not run yet; `deferred` when its row is written only when it ends,
 * `recorded` while its row is being written.
 */
interface FreshExecution {
  compiled: CompiledWorkflow;
  deferred?: CreateExecutionInput;
  recorded?: Promise<void>;
}

/**
 * The run lifecycle: create an execution, run it through its compiled graph with the Postgres checkpointer (thread = the
 * execution id), record node runs per segment, move it to waiting / succeeded / failed / cancelled, resume it.
 */
export class Engine {
  readonly checkpointer: SegmentCheckpointSaver;
  readonly workerId: string;
  readonly leaseMs: number;
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly running = new Map<string, AbortController>();
  /** Executions created by this process and not yet run: they have no checkpoint to look up. */
  private readonly fresh = new Map<string, FreshExecution>();
  private readonly finishedWriter: FinishedExecutionWriter;

  constructor(private readonly options: EngineOptions) {
    this.checkpointer = new SegmentCheckpointSaver(options.database.db);
    this.finishedWriter = new FinishedExecutionWriter(options.database.db);
    this.workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.logger = options.logger ?? createLogger({ component: "engine" });
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private get db() {
    return this.options.database.db;
  }

  /** Executions this process is running right now. */
  get activeCount(): number {
    return this.running.size;
  }

  /** Validates the workflow (every problem at once, `WorkflowValidationError`) and records a new execution. */
  async start(request: StartRequest): Promise<Execution> {
    const compiled = compileWorkflowCached(request.workflow, this.options.registry);
    const timeout = compiled.workflow.settings.executionTimeout;
    let snapshot = compiled.workflow as unknown as Record<string, unknown>;
    if (request.triggerNode !== undefined) {
      if (!compiled.triggers.includes(request.triggerNode)) {
        throw new HetumindError("trigger_not_found", `The workflow has no enabled trigger node named "${request.triggerNode}"`, { node: request.triggerNode });
      }
      const meta = compiled.workflow.meta;
      snapshot = { ...snapshot, meta: { ...(meta && typeof meta === "object" ? meta : {}), [TRIGGER_NODE_META]: request.triggerNode } };
    }
    const record: CreateExecutionInput = {
      id: request.id ?? randomUUID(),
      workspaceId: request.workspaceId ?? DEFAULT_WORKSPACE_ID,
      workflowId: request.workflowId ?? null,
      workflowSnapshot: snapshot,
      mode: request.mode ?? "manual",
      input: request.input === undefined ? null : request.input,
      parentExecutionId: request.parentExecutionId ?? null,
      timeoutAt: timeout ? new Date(Date.now() + timeout * 1000) : null,
      claim: request.queue ? undefined : { workerId: this.workerId, leaseMs: this.leaseMs },
    };
    if (request.deferRecord && !request.queue) {
      const execution = pendingExecution({ ...record, claim: { workerId: this.workerId, leaseMs: this.leaseMs } });
      if (compiled.sideEffectNodes + compiled.pauseNodes === 0) {
        // Executions recorded when they end wait here while the database is behind with recording them.
        await this.finishedWriter.admit();
        this.fresh.set(execution.id, { compiled, deferred: record });
        return execution;
      }
      const recorded = createExecution(this.db, record).then(
        () => undefined,
        (error: unknown) => {
          throw new ExecutionNotRecordedError(execution.id, error);
        },
      );
      // Its failure is the run's (awaited before anything durable); not an unhandled rejection meanwhile.
      recorded.catch(() => undefined);
      this.checkpointer.afterRecord(execution.id, recorded);
      this.fresh.set(execution.id, { compiled, recorded });
      return execution;
    }
    const execution = await createExecution(this.db, record);
    if (!request.queue) this.fresh.set(execution.id, { compiled });
    return execution;
  }

  /** Starts and runs to the end or the first pause, in this process. */
  async startAndRun(request: Omit<StartRequest, "queue">): Promise<ExecutionOutcome> {
    const execution = await this.start(request);
    return this.run(execution);
  }

  /**
   * Runs an execution this process holds the lease of, from wherever its checkpoint says: the start, after a crash
   * (the interrupted segment runs again), or past a pause that was decided (approval) or is due (timer).
   */
  async run(execution: Execution): Promise<ExecutionOutcome> {
    await loadSandbox();
    const log = this.logger.child({ executionId: execution.id, workspaceId: execution.workspaceId });
    const fresh = this.fresh.get(execution.id);
    this.fresh.delete(execution.id);
    const compiled = fresh?.compiled ?? compileWorkflowCached(execution.workflowSnapshot, this.options.registry);
    // Until a deferred execution is recorded, there is no row to heartbeat or to record a failure on.
    let deferred = fresh?.deferred;
    // The row being written while the run starts: what is durable or acts outside the run waits for it.
    const recorded = fresh?.recorded;
    const abort = new AbortController();
    this.running.set(execution.id, abort);
    let cancelled = execution.cancelRequested;
    let heartbeat: NodeJS.Timeout | undefined;
    const startHeartbeat = () => {
      heartbeat = setInterval(() => {
        extendLease(this.db, { workspaceId: execution.workspaceId, executionId: execution.id, workerId: this.workerId, leaseMs: this.leaseMs })
          .then((lease) => {
            if (lease.cancelRequested && !cancelled) {
              cancelled = true;
              abort.abort(new HetumindError("execution_cancelled", "The execution was cancelled"));
            }
          })
          .catch((error: unknown) => {
            log.error("lease lost; stopping", { error: error instanceof Error ? error.message : String(error) });
            abort.abort(error);
          });
      }, Math.max(200, Math.floor(this.leaseMs / 3)));
      heartbeat.unref();
    };
    let ended = false;
    if (recorded) {
      recorded.then(() => !ended && startHeartbeat(), () => undefined);
    } else if (!deferred) {
      startHeartbeat();
    }
    const deadline = execution.timeoutAt ? execution.timeoutAt.getTime() : Infinity;
    const timeoutTimer = Number.isFinite(deadline)
      ? setTimeout(() => abort.abort(new ExecutionTimeoutError(execution.id, compiled.workflow.settings.executionTimeout ?? 0)), Math.max(0, deadline - Date.now()))
      : undefined;
    timeoutTimer?.unref();
    let pausedWith: { request: PauseRequest; node: string } | undefined;
    // LangGraph's side of the engine, loaded when the run goes past its first segment (compile.ts).
    let graphSide: GraphSide | undefined;
    try {
      const settings = compiled.workflow.settings;
      const maxLoopTurns = settings.maxLoopIterations ?? DEFAULT_MAX_LOOP_TURNS;
      const environment: SegmentEnvironment = {
        compiled,
        executionId: execution.id,
        workspaceId: execution.workspaceId,
        mode: execution.mode as ExecutionMode,
        signal: abort.signal,
        deadline,
        timeBudgetMs: this.options.timeBudgetMs ?? 1000,
        maxLoopTurns,
        saveOutputs: settings.saveExecution !== "none",
        logger: log,
        isCancelled: () => cancelled,
        pause: (request, node) => {
          if (request.kind === "timer" && new Date(request.resumeAt).getTime() <= Date.now()) return { kind: "timer" };
          // A segment ends before a pause node, so the first segment (outside LangGraph) never gets here.
          if (!graphSide) throw new ExecutionStateError(`Node "${node}" paused outside the execution's graph`, { executionId: execution.id });
          try {
            return graphSide.interrupt<PauseRequest, ResumeValue>(request);
          } catch (error) {
            if (isGraphInterrupt(error)) pausedWith = { request, node };
            throw error;
          }
        },
        runWorkflow: (reference, items, caller) => this.runSubWorkflow(execution, reference, items, caller),
        sleep: this.sleep,
        // The AI Agent checkpoints its own subgraph here, under `${executionId}/${node}/...` threads (docs/ai.md).
        checkpointer: this.checkpointer,
        // In the execution's next write: the next checkpoint of its thread, or its end (finish), or at release.
        withNextWrite: (write) => this.checkpointer.attachWrite(execution.id, write),
        ...(recorded ? { recorded: () => recorded } : {}),
        getCredential: (type, { node, definition }) =>
          resolveNodeCredential(this.db, execution.workspaceId, type, { name: node.name, credentials: node.credentials, declared: definition.credentials }),
      };
      const base = { workspaceId: execution.workspaceId, executionId: execution.id };

      let input: { run: RunState } | Command | null | "still-waiting";
      if (fresh) {
        // A new execution's first segment runs here, outside LangGraph: until the first durability boundary (a side
        // effect, a pause, the time budget) there is nothing to checkpoint, and most runs end within it.
        const trigger = triggerNodeOf(execution.workflowSnapshot, compiled);
        const first = await runSegment(initialRunState(trigger, execution.input === null || execution.input === undefined ? [] : toItems(execution.input)), { ...environment, newExecution: true });
        if (first.state.done) {
          await recorded;
          const outcome = await this.finish(execution, compiled, first.state, { runs: first.runs, deferred: deferred ? execution : undefined });
          deferred = undefined;
          return outcome;
        }
        if (deferred) {
          await createExecution(this.db, deferred);
          deferred = undefined;
          startHeartbeat();
        }
        // Written with the first checkpoint, in the same statement.
        this.checkpointer.attachRuns(execution.id, { ...base, runs: first.runs });
        input = { run: first.state };
      }
      graphSide = await compileModule();
      const graph = graphSide.compileGraph(
        environment,
        // Written with the segment's checkpoint, in the same statement (SegmentCheckpointSaver).
        { recordRuns: async (runs) => this.checkpointer.attachRuns(execution.id, { ...base, runs }) },
        this.checkpointer,
      );
      const config = {
        configurable: { thread_id: execution.id },
        recursionLimit: graphSide.recursionLimitFor(compiled, maxLoopTurns),
        // Side-effect-free workflows need no checkpoint before the end: after a crash they rerun from the input, which is
        // safe. With side effects or pauses every segment is checkpointed before the next one starts.
        durability: compiled.sideEffectNodes + compiled.pauseNodes === 0 ? ("exit" as const) : ("sync" as const),
      };
      input ??= await this.graphInput(execution, compiled, graphSide, graph, config);
      if (input === "still-waiting") return await this.markWaiting(execution, pausedWith);
      // The Command's node-name type parameter is wider than this graph's; the resume payload is all it carries.
      // stream({ streamMode: "values" }) costs less per step than invoke (../shared/STACK.md); the last value is the result.
      let result: { run?: RunState } = {};
      for await (const value of await graph.stream(input as Parameters<typeof graph.stream>[0], { ...config, streamMode: "values" })) {
        result = value as { run?: RunState };
      }
      await this.checkpointer.release(execution.id);
      if (pausedWith) return await this.markWaiting(execution, pausedWith);
      const state = result.run;
      if (!state) throw new ExecutionStateError(`Execution ${execution.id} ended without state`, { executionId: execution.id });
      return await this.finish(execution, compiled, state);
    } catch (error) {
      const serialized = serializeError(error);
      log.error("execution failed", { error: serialized.message, code: serialized.code });
      // A row still being written gets the failure once it is there (if it never got there, nothing can be recorded).
      await recorded?.catch(() => undefined);
      const failureRecorded = deferred
        ? this.finishedWriter.write({ execution, end: { status: "failed", error: serialized }, runs: [] })
        : updateExecutionStatus(this.db, { workspaceId: execution.workspaceId, executionId: execution.id, status: "failed", error: serialized });
      deferred = undefined;
      await failureRecorded.catch((updateError: unknown) => log.error("could not record the failure", { error: String(updateError) }));
      await this.afterFailure(execution, serialized, null);
      return { status: "failed", executionId: execution.id, error: serialized };
    } finally {
      await this.checkpointer.release(execution.id).catch((error: unknown) => log.error("could not record node runs", { error: String(error) }));
      // A run that failed or paused keeps its agents' threads (retention deletes them with the execution): forget them here.
      this.checkpointer.takeSubThreads(execution.id);
      this.checkpointer.forgetRecord(execution.id);
      releaseExpressionVm(execution.id);
      ended = true;
      clearInterval(heartbeat);
      clearTimeout(timeoutTimer);
      this.running.delete(execution.id);
    }
  }

  /**
   * What to hand the graph for an execution this process did not just create: a fresh state (it never reached a
   * checkpoint), `null` to continue after a crash, or a `Command` to resume a pause.
   */
  private async graphInput(
    execution: Execution,
    compiled: CompiledWorkflow,
    graphSide: GraphSide,
    graph: ExecutionGraph,
    config: { configurable: { thread_id: string } },
  ): Promise<{ run: RunState } | Command | null | "still-waiting"> {
    if (!(await this.checkpointer.getTuple(config))) {
      const trigger = triggerNodeOf(execution.workflowSnapshot, compiled);
      return { run: initialRunState(trigger, execution.input === null || execution.input === undefined ? [] : toItems(execution.input)) };
    }
    const snapshot = await graph.getState(config);
    const pending = snapshot.tasks.flatMap((task) => task.interrupts ?? []).map((entry) => entry.value as PauseRequest);
    if (pending.length === 0) return null;
    const request = pending[0];
    if (request.kind === "timer") return new graphSide.Command({ resume: { kind: "timer" } satisfies ResumeValue });
    const decided = await this.latestDecision(execution);
    if (!decided) return "still-waiting";
    return new graphSide.Command({ resume: decided });
  }

  private async latestDecision(execution: Execution): Promise<ResumeValue | undefined> {
    if ((await getPendingApprovals(this.db, execution.workspaceId, execution.id)).length > 0) return undefined;
    const approvalId = (execution.output as { approvalId?: string } | null)?.approvalId;
    if (!approvalId) return undefined;
    const approval = await getApproval(this.db, execution.workspaceId, approvalId);
    if (!approval || approval.status === "pending" || approval.status === "cancelled") return undefined;
    const decision = (approval.decision ?? {}) as { data?: JsonValue; comment?: string };
    return { kind: "approval", decision: approval.status === "approved" ? "approve" : "reject", data: decision.data, comment: decision.comment };
  }

  private async markWaiting(execution: Execution, paused: { request: PauseRequest; node: string } | undefined): Promise<ExecutionOutcome> {
    if (!paused) {
      // Claimed while its approval is still pending: hand it back unchanged.
      const current = await updateExecutionStatus(this.db, { workspaceId: execution.workspaceId, executionId: execution.id, status: "waiting", waitUntil: null });
      const pause = (current.output as { pause?: PauseRequest } | null)?.pause ?? { kind: "approval", message: "", data: null };
      return { status: "waiting", executionId: execution.id, pause };
    }
    const { request: pause, node } = paused;
    if (pause.kind === "timer") {
      await updateExecutionStatus(this.db, {
        workspaceId: execution.workspaceId,
        executionId: execution.id,
        status: "waiting",
        waitUntil: new Date(pause.resumeAt),
        output: { pause },
      });
      return { status: "waiting", executionId: execution.id, pause };
    }
    const approval = await createApproval(this.db, {
      workspaceId: execution.workspaceId,
      executionId: execution.id,
      nodeName: node,
      message: pause.message,
      data: pause.data,
    });
    await updateExecutionStatus(this.db, {
      workspaceId: execution.workspaceId,
      executionId: execution.id,
      status: "waiting",
      waitUntil: null,
      output: { pause, approvalId: approval.id, node },
    });
    return { status: "waiting", executionId: execution.id, pause, approvalId: approval.id };
  }

  /**
   * Records how the execution ended. `first`: it ended within its first segment, outside LangGraph (no checkpoint was
   * written): its node runs go in the same statement as the execution's row, which is inserted whole when `deferred`.
   */
  private async finish(
    execution: Execution,
    compiled: CompiledWorkflow,
    state: RunState,
    first?: { runs: NodeRunRecord[]; deferred?: Execution },
  ): Promise<ExecutionOutcome> {
    const base = { workspaceId: execution.workspaceId, executionId: execution.id };
    // Its checkpoints and its row churn: the embedded database vacuums after enough ends (lib/db/embedded-vacuum.ts).
    noteExecutionEnded(this.options.database);
    const status: "succeeded" | "failed" | "cancelled" = state.failed ? (state.failed.code === "execution_cancelled" ? "cancelled" : "failed") : "succeeded";
    // `saveExecution: "errors"` keeps node data only for failed runs.
    const keepOutputs = status !== "succeeded" || compiled.workflow.settings.saveExecution !== "errors";
    const end = state.failed ? { status, error: state.failed } : { status, output: state.lastOutput };
    // The agents' threads of this execution (`<id>/...`) go with its end: they only serve a re-run of their node.
    const subThreads = this.checkpointer.takeSubThreads(execution.id);
    const runs = first ? (keepOutputs ? first.runs : first.runs.map((run) => ({ ...run, output: null }))) : [];
    if (first?.deferred) {
      const writing = this.finishedWriter.write({ execution: first.deferred, end, runs });
      runIdleWorkSoon();
      await writing;
      if (subThreads) await this.db.execute(deleteSubThreadsStatement(execution.id));
    } else if (first) {
      // The end, the first segment's node runs, what its nodes handed over (`withNextWrite`: an agent's memory turn)
      // and the agents' threads' deletion: one statement. A refused move writes none of it.
      let committed = () => {};
      const ending = updateExecutionStatusWith(this.db, { ...base, ...end }, (moved) => {
        const attached = this.checkpointer.takeAttachedWrites(execution.id, moved);
        committed = attached.committed;
        return [...(subThreads ? subThreadDeletions(execution.id, moved) : []), ...(runs.length > 0 ? [nodeRunsInsertCte({ ...base, runs }, moved)] : []), ...attached.ctes];
      });
      // The end is on its way to the database: work that waited for an idle moment runs meanwhile (lib/idle-work.ts).
      runIdleWorkSoon();
      await ending;
      committed();
    } else {
      await updateExecutionStatus(this.db, { ...base, ...end });
      if (!keepOutputs) await clearNodeRunOutputs(this.db, execution.workspaceId, execution.id);
      await this.checkpointer.pruneThread(execution.id);
      if (subThreads) await this.db.execute(deleteSubThreadsStatement(execution.id));
    }
    if (state.failed) {
      if (status === "failed") await this.afterFailure(execution, state.failed, state.lastNode);
      return { status: status === "cancelled" ? "cancelled" : "failed", executionId: execution.id, error: state.failed };
    }
    return { status: "succeeded", executionId: execution.id, output: state.lastOutput };
  }

  /** Queues the workflow's error workflow, if it names one (never throws: a failure to start it is logged). */
  private async afterFailure(execution: Execution, error: SerializedError, lastNode: string | null): Promise<void> {
    if (this.options.errorWorkflows === false) return;
    await startErrorWorkflow(this, this.db, execution, error, lastNode).catch((failure: unknown) =>
      this.logger.error("could not start the error workflow", { executionId: execution.id, error: failure instanceof Error ? failure.message : String(failure) }),
    );
  }

  /** Runs a sub-workflow as a child execution, inline; the same node attempt maps to the same child after a crash. */
  private async runSubWorkflow(
    parent: Execution,
    reference: WorkflowReference,
    items: Item[],
    caller: { node: string; idempotencyKey: string },
  ): Promise<Item[]> {
    const childId = deterministicUuid(caller.idempotencyKey);
    let child = await getExecution(this.db, parent.workspaceId, childId);
    if (!child) {
      const { workflow, workflowId } = await this.loadReference(parent.workspaceId, reference, caller.node);
      child = await this.start({
        id: childId,
        workflow,
        workflowId,
        workspaceId: parent.workspaceId,
        input: items.map((item) => item.json),
        mode: "subworkflow",
        parentExecutionId: parent.id,
      });
    } else if (child.status !== "succeeded") {
      child = await claimExecution(this.db, { workspaceId: parent.workspaceId, executionId: childId, workerId: this.workerId, leaseMs: this.leaseMs });
    }
    const outcome: ExecutionOutcome =
      child.status === "succeeded" ? { status: "succeeded", executionId: childId, output: (child.output as Item[]) ?? [] } : await this.run(child);
    if (outcome.status === "succeeded") return outcome.output;
    if (outcome.status === "waiting") {
      throw new NodeExecutionError(`Node "${caller.node}": the sub-workflow paused (execution ${childId}); pauses inside sub-workflows are not supported yet`, { node: caller.node }, { code: "subworkflow_paused" });
    }
    throw new NodeExecutionError(`Node "${caller.node}": the sub-workflow ${outcome.status}: ${outcome.error.message}`, { node: caller.node, childExecutionId: childId }, { code: "subworkflow_failed" });
  }

  private async loadReference(workspaceId: string, reference: WorkflowReference, node: string): Promise<{ workflow: unknown; workflowId: string | null }> {
    if (reference.source === "id") {
      const row = await getWorkflow(this.db, workspaceId, reference.value);
      if (!row) throw new NotFoundError("Workflow", reference.value, { node, workspaceId });
      return { workflow: { ...row.definition, id: row.id, name: row.name }, workflowId: row.id };
    }
    if (!this.options.loadWorkflowFile) {
      throw new NodeExecutionError(`Node "${node}": running a workflow from a file is only possible from the CLI`, { node }, { code: "file_source_disabled" });
    }
    return { workflow: await this.options.loadWorkflowFile(reference.value), workflowId: null };
  }

  /**
   * Records a person's decision on a waiting execution's approval and hands the execution back for running. Throws
   * `ExecutionStateError` (nothing changes) when it is not waiting for a decision.
   */
  async decide(workspaceId: string, executionId: string, decision: Decision): Promise<ExecutionWithoutSnapshot> {
    const execution = await getExecution(this.db, workspaceId, executionId);
    if (!execution) throw new NotFoundError("Execution", executionId, { workspaceId });
    const pending = await getPendingApprovals(this.db, workspaceId, executionId);
    if (execution.status !== "waiting" || pending.length === 0) {
      throw new ExecutionStateError(
        `Execution ${executionId} is ${execution.status}${execution.status === "waiting" ? " for a timer" : ""}, not waiting for a decision: nothing was changed`,
        { executionId, workspaceId, status: execution.status },
      );
    }
    await decideApproval(this.db, {
      workspaceId,
      approvalId: pending[0].id,
      status: decision.approve ? "approved" : "rejected",
      decision: { data: decision.approve ? decision.data : undefined, comment: decision.comment },
    });
    return updateExecutionStatus(this.db, { workspaceId, executionId, status: "queued", from: ["waiting"] });
  }

  /** Claims a queued (or due) execution for this process by id: the CLI runs what it just resumed. */
  claim(workspaceId: string, executionId: string): Promise<Execution> {
    return claimExecution(this.db, { workspaceId, executionId, workerId: this.workerId, leaseMs: this.leaseMs });
  }
}
