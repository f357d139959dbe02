/**
 * Executions: creation, reading, status changes, cancellation, deletion. The lease protocol of the local driver's
 * workers is in ./execution-leases.ts and re-exported from here.
 *
 * Every query takes the workspace id, except the worker queries of execution-leases.ts that say otherwise.
 * Times are the database's (`now()`), never the caller's clock.
 */
import { randomUUID } from "node:crypto";
import { and, desc, eq, getTableColumns, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import { type Database, queryRows } from "../client";
import {
  type Execution,
  type ExecutionStatus,
  FINISHED_EXECUTION_STATUSES,
  approvals,
  checkpointBlobs,
  checkpointWrites,
  checkpoints,
  executions,
} from "../schema";
import { deleteExecutionThreads, explainRefusal, leaseEnd } from "./execution-shared";
import { type NodeRunInput, nodeRunBatchesInsertStatement } from "./node-runs";

export * from "./execution-leases";

export type ExecutionSummary = Omit<Execution, "workflowSnapshot" | "input" | "output">;
export type ExecutionWithoutSnapshot = Omit<Execution, "workflowSnapshot">;

const { workflowSnapshot: _withoutSnapshot, ...withoutSnapshot } = getTableColumns(executions);

/** Which statuses may move to which. Finished executions never change. */
export const EXECUTION_TRANSITIONS: Record<ExecutionStatus, readonly ExecutionStatus[]> = {
  queued: ["running", "failed", "cancelled"],
  running: ["queued", "waiting", "succeeded", "failed", "cancelled"],
  // waiting -> queued: a decision (approval) or a due timer hands the execution back to the workers.
  waiting: ["queued", "running", "succeeded", "failed", "cancelled"],
  succeeded: [],
  failed: [],
  cancelled: [],
};

// ---------------------------------------------------------------------------------------------------------------------
// Create and read
// ---------------------------------------------------------------------------------------------------------------------

export interface CreateExecutionInput {
  workspaceId: string;
  /** Default: a new uuid. */
  id?: string;
  /** Null when run from a file. */
  workflowId?: string | null;
  workflowSnapshot: Record<string, unknown>;
  mode: string;
  input?: unknown;
  parentExecutionId?: string | null;
  timeoutAt?: Date | null;
  /**
   * Create it already claimed by this worker (the CLI runs what it creates): status `running`, leased for `leaseMs`.
   * Otherwise it is `queued` for the workers.
   */
  claim?: { workerId: string; leaseMs: number };
}

export async function createExecution(db: Database, input: CreateExecutionInput): Promise<Execution> {
  const [row] = await db
    .insert(executions)
    .values({
      id: input.id ?? randomUUID(),
      workspaceId: input.workspaceId,
      workflowId: input.workflowId ?? null,
      workflowSnapshot: input.workflowSnapshot,
      mode: input.mode,
      input: input.input ?? null,
      parentExecutionId: input.parentExecutionId ?? null,
      timeoutAt: input.timeoutAt ?? null,
      ...(input.claim
        ? {
            status: "running" as const,
            startedAt: sql`now()`,
            lockedBy: input.claim.workerId,
            lockedUntil: leaseEnd(input.claim.leaseMs),
            claimCount: 1,
          }
        : { status: "queued" as const }),
    })
    .returning(withoutSnapshot);
  // The snapshot is not read back: it can be large (1,000 nodes ~150 KB) and the caller has it.
  return { ...row, workflowSnapshot: input.workflowSnapshot };
}

/**
 * An execution that exists only in this process until it ends (`insertFinishedExecution`): what `createExecution` would
 * have returned with a claim. Only for runs that do nothing durable before they end (no side effect, no pause).
 */
export function pendingExecution(input: CreateExecutionInput & { claim: { workerId: string; leaseMs: number } }): Execution {
  const now = new Date();
  return {
    id: input.id ?? randomUUID(),
    workspaceId: input.workspaceId,
    workflowId: input.workflowId ?? null,
    workflowSnapshot: input.workflowSnapshot,
    mode: input.mode,
    status: "running",
    input: input.input ?? null,
    output: null,
    error: null,
    parentExecutionId: input.parentExecutionId ?? null,
    createdAt: now,
    startedAt: now,
    finishedAt: null,
    waitUntil: null,
    lockedBy: input.claim.workerId,
    lockedUntil: new Date(now.getTime() + input.claim.leaseMs),
    claimCount: 1,
    cancelRequested: false,
    timeoutAt: input.timeoutAt ?? null,
  };
}

export interface FinishedExecutionRecord {
  /** A pending execution (`pendingExecution`): not in the table yet. */
  execution: Execution;
  end: { status: "succeeded" | "failed" | "cancelled"; output?: unknown; error?: unknown };
  runs: readonly NodeRunInput[];
}

/**
 * Records pending executions (see `pendingExecution`) as they ended, with their node runs, in one statement: one round
 * trip, and either all of it is stored or nothing.
 */
export async function insertFinishedExecutions(db: Database, records: readonly FinishedExecutionRecord[]): Promise<void> {
  if (records.length === 0) return;
  const insert = db.insert(executions).values(
    records.map(({ execution, end }) => ({
      id: execution.id,
      workspaceId: execution.workspaceId,
      workflowId: execution.workflowId,
      workflowSnapshot: execution.workflowSnapshot,
      mode: execution.mode,
      status: end.status,
      input: execution.input,
      output: end.output ?? null,
      error: end.error ?? null,
      parentExecutionId: execution.parentExecutionId,
      createdAt: execution.createdAt,
      startedAt: execution.startedAt,
      finishedAt: sql`now()`,
      claimCount: 1,
      timeoutAt: execution.timeoutAt,
    })),
  );
  const batches = records
    .filter((record) => record.runs.length > 0)
    .map(({ execution, runs }) => ({ workspaceId: execution.workspaceId, executionId: execution.id, runs }));
  if (batches.length === 0) {
    await insert;
    return;
  }
  // The node runs' foreign key to the execution rows is checked at the end of the statement.
  await db.execute(sql`with node_runs_written as (${nodeRunBatchesInsertStatement(batches)}) ${insert.getSQL()}`);
}

export async function getExecution(db: Database, workspaceId: string, executionId: string): Promise<Execution | undefined> {
  const [row] = await db
    .select()
    .from(executions)
    .where(and(eq(executions.workspaceId, workspaceId), eq(executions.id, executionId)))
    .limit(1);
  return row;
}

const { workflowSnapshot: _snapshot, input: _input, output: _output, ...summaryColumns } = getTableColumns(executions);

/** Newest first, without the heavy columns (snapshot, input, output). Page with `before` (the last row's createdAt). */
export async function listExecutions(
  db: Database,
  workspaceId: string,
  options: { status?: ExecutionStatus | readonly ExecutionStatus[]; workflowId?: string; limit?: number; before?: Date } = {},
): Promise<ExecutionSummary[]> {
  const statuses = options.status === undefined ? undefined : ([] as ExecutionStatus[]).concat(options.status);
  return db
    .select(summaryColumns)
    .from(executions)
    .where(
      and(
        eq(executions.workspaceId, workspaceId),
        statuses ? inArray(executions.status, statuses) : undefined,
        options.workflowId ? eq(executions.workflowId, options.workflowId) : undefined,
        options.before ? lt(executions.createdAt, options.before) : undefined,
      ),
    )
    .orderBy(desc(executions.createdAt), desc(executions.id))
    .limit(options.limit ?? 50);
}

// ---------------------------------------------------------------------------------------------------------------------
// Status changes
// ---------------------------------------------------------------------------------------------------------------------

export interface UpdateExecutionStatusInput {
  workspaceId: string;
  executionId: string;
  status: ExecutionStatus;
  /** The worker making the change: it must hold the lease, else LeaseLostError. */
  workerId?: string;
  /** Only from these statuses (default: every status that may move to `status`, see EXECUTION_TRANSITIONS). */
  from?: readonly ExecutionStatus[];
  output?: unknown;
  error?: unknown;
  /** For `waiting`: when a timed wait is due (null: waits for a decision, e.g. an approval). */
  waitUntil?: Date | null;
}

/**
 * Moves an execution to `status`, keeping the bookkeeping consistent: `running` sets started_at once; `waiting`,
 * `queued` and the finished statuses clear the lease; finished statuses set finished_at. Throws NotFoundError,
 * LeaseLostError, or ExecutionStateError (a transition that is not allowed, e.g. from a finished status).
 */
export async function updateExecutionStatus(db: Database, input: UpdateExecutionStatusInput): Promise<ExecutionWithoutSnapshot> {
  const [row] = await executionStatusUpdate(db, input).returning(withoutSnapshot);
  if (row) return row;
  throw await explainRefusal(db, input.workspaceId, input.executionId, input.workerId, `move to ${input.status}`);
}

/**
 * updateExecutionStatus and more in one statement: `alongside(moved)` gives data-modifying CTEs (`name as (...)`) that
 * run in the same statement, each taking effect only where the condition `moved` (the execution did move) holds. Throws
 * like updateExecutionStatus when it may not move.
 */
export async function updateExecutionStatusWith(db: Database, input: UpdateExecutionStatusInput, alongside: (moved: SQL) => SQL[]): Promise<void> {
  const update = executionStatusUpdate(db, input).returning({ id: executions.id });
  const ctes = [sql`moved as (${update.getSQL()})`, ...alongside(sql`exists (select 1 from moved)`)];
  const rows = await queryRows<{ moved: number }>(db, sql`with ${sql.join(ctes, sql`, `)} select count(*)::int as moved from moved`);
  if (rows[0]?.moved === 1) return;
  throw await explainRefusal(db, input.workspaceId, input.executionId, input.workerId, `move to ${input.status}`);
}

function executionStatusUpdate(db: Database, input: UpdateExecutionStatusInput) {
  const allowedFrom = (input.from ?? statusesThatMayMoveTo(input.status)).filter((status) =>
    EXECUTION_TRANSITIONS[status].includes(input.status),
  );
  const finished = (FINISHED_EXECUTION_STATUSES as readonly ExecutionStatus[]).includes(input.status);
  const releasesLease = finished || input.status === "waiting" || input.status === "queued";
  return db
    .update(executions)
    .set({
      status: input.status,
      ...(input.status === "running" ? { startedAt: sql`coalesce(${executions.startedAt}, now())` } : {}),
      ...(finished ? { finishedAt: sql`now()`, waitUntil: null } : {}),
      ...(input.status === "waiting" ? { waitUntil: input.waitUntil ?? null } : {}),
      ...(input.status === "queued" ? { waitUntil: null } : {}),
      ...(releasesLease ? { lockedBy: null, lockedUntil: null } : {}),
      ...(input.output !== undefined ? { output: input.output } : {}),
      ...(input.error !== undefined ? { error: input.error } : {}),
    })
    .where(
      and(
        eq(executions.workspaceId, input.workspaceId),
        eq(executions.id, input.executionId),
        allowedFrom.length > 0 ? inArray(executions.status, allowedFrom) : sql`false`,
        input.workerId !== undefined ? eq(executions.lockedBy, input.workerId) : undefined,
      ),
    );
}

function statusesThatMayMoveTo(target: ExecutionStatus): ExecutionStatus[] {
  return (Object.keys(EXECUTION_TRANSITIONS) as ExecutionStatus[]).filter((from) =>
    EXECUTION_TRANSITIONS[from].includes(target),
  );
}

/**
 * Asks to cancel. A queued or waiting execution (no worker holds it) is cancelled at once, with its pending approvals;
 * a running one gets `cancel_requested`, which its worker sees on its next heartbeat and stops at the next step.
 * Throws ExecutionStateError when the execution already finished.
 */
export async function requestCancel(db: Database, workspaceId: string, executionId: string): Promise<Execution> {
  return db.transaction(async (transaction) => {
    const [row] = await transaction
      .update(executions)
      .set({
        cancelRequested: true,
        status: sql`case when ${executions.status} in ('queued', 'waiting') then 'cancelled' else ${executions.status} end`,
        finishedAt: sql`case when ${executions.status} in ('queued', 'waiting') then now() else ${executions.finishedAt} end`,
        waitUntil: sql`case when ${executions.status} in ('queued', 'waiting') then null else ${executions.waitUntil} end`,
      })
      .where(
        and(
          eq(executions.workspaceId, workspaceId),
          eq(executions.id, executionId),
          inArray(executions.status, ["queued", "running", "waiting"]),
        ),
      )
      .returning();
    if (!row) throw await explainRefusal(transaction, workspaceId, executionId, undefined, "cancel");
    if (row.status === "cancelled") {
      await transaction
        .update(approvals)
        .set({ status: "cancelled", decidedAt: sql`now()` })
        .where(
          and(eq(approvals.workspaceId, workspaceId), eq(approvals.executionId, executionId), eq(approvals.status, "pending")),
        );
    }
    return row;
  });
}

/** Deletes an execution with its node runs, approvals and LangGraph threads (its agents' too). Returns whether it existed. */
export async function deleteExecution(db: Database, workspaceId: string, executionId: string): Promise<boolean> {
  return db.transaction(async (transaction) => {
    const deleted = await transaction
      .delete(executions)
      .where(and(eq(executions.workspaceId, workspaceId), eq(executions.id, executionId)))
      .returning({ id: executions.id });
    if (deleted.length === 0) return false;
    await deleteExecutionThreads(transaction, [executionId]);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// For the REST API: filters and keyset pagination
// ---------------------------------------------------------------------------------------------------------------------

export type ExecutionSummaryWithCursor = ExecutionSummary & { cursorAt: string };

/**
 * Newest first, without the heavy columns, filtered by workflow, statuses and a created_at range (`from` inclusive,
 * `to` exclusive). `after` continues a page: the last row's `cursorAt` (created_at as exact text) and id.
 */
export async function searchExecutions(
  db: Database,
  workspaceId: string,
  options: {
    workflowId?: string;
    status?: readonly ExecutionStatus[];
    from?: Date;
    to?: Date;
    limit?: number;
    after?: { at: string; id: string };
  } = {},
): Promise<ExecutionSummaryWithCursor[]> {
  const after = options.after;
  return db
    .select({ ...summaryColumns, cursorAt: sql<string>`${executions.createdAt}::text` })
    .from(executions)
    .where(
      and(
        eq(executions.workspaceId, workspaceId),
        options.workflowId ? eq(executions.workflowId, options.workflowId) : undefined,
        options.status && options.status.length > 0 ? inArray(executions.status, [...options.status]) : undefined,
        options.from ? gte(executions.createdAt, options.from) : undefined,
        options.to ? lt(executions.createdAt, options.to) : undefined,
        after ? sql`(${executions.createdAt}, ${executions.id}) < (${after.at}::timestamptz, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(executions.createdAt), desc(executions.id))
    .limit(options.limit ?? 50);
}
