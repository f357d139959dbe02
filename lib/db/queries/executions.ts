/**
 * Executions: creation, status changes, and the lease protocol of the local driver's workers.
 *
 * Every query takes the workspace id, except the worker queries `claimExecutions`, `extendWorkerLeases` and
 * `findDueTimedWaits`: a worker serves every workspace by design (it claims whatever is runnable, oldest first), and
 * each row it gets back carries its `workspaceId` for the scoped queries that follow.
 *
 * Times are the database's (`now()`), never the caller's clock, so that several machines agree on lease expiry.
 *
 * Lease protocol: `claimExecutions` moves claimable executions to `running` with `locked_by` = the worker and
 * `locked_until` = now + lease; the worker calls `extendLease`/`extendWorkerLeases` well within the lease; a worker that
 * dies stops extending, its leases expire, and the next claim picks those executions up again (previousStatus
 * "running": resume from the checkpoint). Status changes by a worker pass its id and fail with `LeaseLostError` when
 * it no longer holds the lease.
 */
import { randomUUID } from "node:crypto";
import { type SQL, and, desc, eq, getTableColumns, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import { ExecutionStateError, NotFoundError } from "../../errors";
import type { Database } from "../client";
import { LeaseLostError } from "../errors";
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

export type ExecutionSummary = Omit<Execution, "workflowSnapshot" | "input" | "output">;

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

const leaseEnd = (leaseMs: number): SQL => sql`now() + ${Math.max(0, Math.round(leaseMs))} * interval '1 millisecond'`;

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
    .returning();
  return row;
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
export async function updateExecutionStatus(db: Database, input: UpdateExecutionStatusInput): Promise<Execution> {
  const allowedFrom = (input.from ?? statusesThatMayMoveTo(input.status)).filter((status) =>
    EXECUTION_TRANSITIONS[status].includes(input.status),
  );
  const finished = (FINISHED_EXECUTION_STATUSES as readonly ExecutionStatus[]).includes(input.status);
  const releasesLease = finished || input.status === "waiting" || input.status === "queued";
  const [row] = await db
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
    )
    .returning();
  if (row) return row;
  throw await explainRefusal(db, input.workspaceId, input.executionId, input.workerId, `move to ${input.status}`);
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

/** Deletes an execution with its node runs, approvals and LangGraph thread. Returns whether it existed. */
export async function deleteExecution(db: Database, workspaceId: string, executionId: string): Promise<boolean> {
  return db.transaction(async (transaction) => {
    const deleted = await transaction
      .delete(executions)
      .where(and(eq(executions.workspaceId, workspaceId), eq(executions.id, executionId)))
      .returning({ id: executions.id });
    if (deleted.length === 0) return false;
    await transaction.delete(checkpointWrites).where(eq(checkpointWrites.threadId, executionId));
    await transaction.delete(checkpointBlobs).where(eq(checkpointBlobs.threadId, executionId));
    await transaction.delete(checkpoints).where(eq(checkpoints.threadId, executionId));
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Worker queries (global by design: see the header)
// ---------------------------------------------------------------------------------------------------------------------

export interface ClaimedExecution extends Execution {
  /** What it was before this claim: "queued" (start), "running" (its worker died: resume), "waiting" (a due timer). */
  previousStatus: ExecutionStatus;
}

/**
 * Claims up to `limit` runnable executions, oldest first: queued ones, running ones whose lease expired (or was
 * released), and, with `includeDueWaits`, waiting ones whose timed wait is due. `FOR UPDATE SKIP LOCKED`: concurrent
 * workers never claim the same execution. Global: a worker serves every workspace.
 */
export async function claimExecutions(
  db: Database,
  options: { workerId: string; leaseMs: number; limit: number; includeDueWaits?: boolean },
): Promise<ClaimedExecution[]> {
  if (options.limit <= 0) return [];
  const candidates = db
    .select({ id: executions.id, previousStatus: sql<ExecutionStatus>`${executions.status}`.as("previous_status") })
    .from(executions)
    .where(
      or(
        eq(executions.status, "queued"),
        and(eq(executions.status, "running"), or(isNull(executions.lockedUntil), lt(executions.lockedUntil, sql`now()`))),
        options.includeDueWaits ? and(eq(executions.status, "waiting"), lte(executions.waitUntil, sql`now()`)) : undefined,
      ),
    )
    .orderBy(executions.createdAt)
    .limit(options.limit)
    .for("update", { skipLocked: true })
    .as("candidates");
  const rows = await db
    .update(executions)
    .set({
      status: "running",
      lockedBy: options.workerId,
      lockedUntil: leaseEnd(options.leaseMs),
      startedAt: sql`coalesce(${executions.startedAt}, now())`,
      claimCount: sql`${executions.claimCount} + 1`,
      waitUntil: null,
    })
    .from(candidates)
    .where(eq(executions.id, candidates.id))
    .returning({ ...getTableColumns(executions), previousStatus: candidates.previousStatus });
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/**
 * Claims one execution by id for `workerId` (the CLI runs what it just created or resumed; a parent runs its
 * sub-workflow inline): when it is queued, running with an expired or released lease (or already held by this worker:
 * the lease is renewed), or waiting with a due timer. Throws NotFoundError, LeaseLostError (another worker holds a live
 * lease) or ExecutionStateError (finished, or waiting for a decision or a later time).
 */
export async function claimExecution(
  db: Database,
  input: { workspaceId: string; executionId: string; workerId: string; leaseMs: number },
): Promise<ClaimedExecution> {
  const candidate = db
    .select({ id: executions.id, previousStatus: sql<ExecutionStatus>`${executions.status}`.as("previous_status") })
    .from(executions)
    .where(
      and(
        eq(executions.workspaceId, input.workspaceId),
        eq(executions.id, input.executionId),
        or(
          eq(executions.status, "queued"),
          and(
            eq(executions.status, "running"),
            or(
              isNull(executions.lockedUntil),
              lt(executions.lockedUntil, sql`now()`),
              eq(executions.lockedBy, input.workerId),
            ),
          ),
          and(eq(executions.status, "waiting"), lte(executions.waitUntil, sql`now()`)),
        ),
      ),
    )
    .for("update")
    .as("candidate");
  const [row] = await db
    .update(executions)
    .set({
      status: "running",
      lockedBy: input.workerId,
      lockedUntil: leaseEnd(input.leaseMs),
      startedAt: sql`coalesce(${executions.startedAt}, now())`,
      claimCount: sql`${executions.claimCount} + 1`,
      waitUntil: null,
    })
    .from(candidate)
    .where(eq(executions.id, candidate.id))
    .returning({ ...getTableColumns(executions), previousStatus: candidate.previousStatus });
  if (row) return row;
  const [current] = await db
    .select({ status: executions.status, lockedBy: executions.lockedBy })
    .from(executions)
    .where(and(eq(executions.workspaceId, input.workspaceId), eq(executions.id, input.executionId)))
    .limit(1);
  if (current?.status === "running" && current.lockedBy) {
    throw new LeaseLostError(input.executionId, input.workerId, current.lockedBy, current.status);
  }
  throw await explainRefusal(db, input.workspaceId, input.executionId, undefined, "be claimed");
}

/**
 * Releases every lease not held by `exceptWorkerId` and returns how many: the running executions become claimable at
 * once instead of after their lease runs out. Only for a database that this process alone works on (PGlite: the data
 * dir lock guarantees no other worker is alive); on a shared Postgres server it would take live executions from other
 * workers. Global (worker query).
 */
export async function releaseOrphanedLeases(db: Database, input: { exceptWorkerId: string }): Promise<number> {
  const released = await db
    .update(executions)
    .set({ lockedBy: null, lockedUntil: null })
    .where(
      and(
        eq(executions.status, "running"),
        or(isNull(executions.lockedBy), ne(executions.lockedBy, input.exceptWorkerId)),
      ),
    )
    .returning({ id: executions.id });
  return released.length;
}

/**
 * Extends the lease of one execution held by `workerId`. Returns whether cancellation was requested (the worker then
 * stops at the next step). Throws LeaseLostError when the worker no longer holds it.
 */
export async function extendLease(
  db: Database,
  input: { workspaceId: string; executionId: string; workerId: string; leaseMs: number },
): Promise<{ cancelRequested: boolean; lockedUntil: Date }> {
  const [row] = await db
    .update(executions)
    .set({ lockedUntil: leaseEnd(input.leaseMs) })
    .where(
      and(
        eq(executions.workspaceId, input.workspaceId),
        eq(executions.id, input.executionId),
        eq(executions.status, "running"),
        eq(executions.lockedBy, input.workerId),
      ),
    )
    .returning({ cancelRequested: executions.cancelRequested, lockedUntil: executions.lockedUntil });
  if (row?.lockedUntil) return { cancelRequested: row.cancelRequested, lockedUntil: row.lockedUntil };
  throw await explainRefusal(db, input.workspaceId, input.executionId, input.workerId, "extend lease");
}

/**
 * One heartbeat for everything a worker runs: extends every lease it holds, in one statement. Global by worker.
 * Returns the executions still held (one missing from the answer was lost) and whether each should cancel.
 */
export async function extendWorkerLeases(
  db: Database,
  input: { workerId: string; leaseMs: number },
): Promise<Array<{ id: string; workspaceId: string; cancelRequested: boolean }>> {
  return db
    .update(executions)
    .set({ lockedUntil: leaseEnd(input.leaseMs) })
    .where(and(eq(executions.status, "running"), eq(executions.lockedBy, input.workerId)))
    .returning({ id: executions.id, workspaceId: executions.workspaceId, cancelRequested: executions.cancelRequested });
}

/**
 * Gives an execution back without changing its status (graceful shutdown): a released `running` execution is claimed
 * again at once by any worker and resumes from its checkpoint. Returns whether the worker still held it.
 */
export async function releaseExecution(
  db: Database,
  input: { workspaceId: string; executionId: string; workerId: string },
): Promise<boolean> {
  const released = await db
    .update(executions)
    .set({ lockedBy: null, lockedUntil: null })
    .where(
      and(
        eq(executions.workspaceId, input.workspaceId),
        eq(executions.id, input.executionId),
        eq(executions.lockedBy, input.workerId),
      ),
    )
    .returning({ id: executions.id });
  return released.length > 0;
}

/** Waiting executions whose timed wait is due, soonest first. Global (worker query). */
export async function findDueTimedWaits(
  db: Database,
  options: { limit?: number } = {},
): Promise<Array<{ id: string; workspaceId: string; waitUntil: Date }>> {
  const rows = await db
    .select({ id: executions.id, workspaceId: executions.workspaceId, waitUntil: executions.waitUntil })
    .from(executions)
    .where(and(eq(executions.status, "waiting"), lte(executions.waitUntil, sql`now()`)))
    .orderBy(executions.waitUntil)
    .limit(options.limit ?? 100);
  return rows.flatMap((row) => (row.waitUntil ? [{ id: row.id, workspaceId: row.workspaceId, waitUntil: row.waitUntil }] : []));
}

// ---------------------------------------------------------------------------------------------------------------------

async function explainRefusal(
  db: Database,
  workspaceId: string,
  executionId: string,
  workerId: string | undefined,
  action: string,
): Promise<Error> {
  const [current] = await db
    .select({ status: executions.status, lockedBy: executions.lockedBy })
    .from(executions)
    .where(and(eq(executions.workspaceId, workspaceId), eq(executions.id, executionId)))
    .limit(1);
  if (!current) return new NotFoundError("Execution", executionId, { workspaceId });
  if (workerId !== undefined && current.lockedBy !== workerId) {
    return new LeaseLostError(executionId, workerId, current.lockedBy, current.status);
  }
  return new ExecutionStateError(`Execution ${executionId} cannot ${action}: it is ${current.status}`, {
    executionId,
    workspaceId,
    status: current.status,
  });
}
