/**
 * The lease protocol of the local driver's workers.
 *
 * `claimExecutions`, `extendWorkerLeases`, `findDueTimedWaits` and `releaseOrphanedLeases` are global by design: a worker
 * serves every workspace (it claims whatever is runnable, oldest first), and each row it gets back carries its
 * `workspaceId` for the scoped queries that follow. The others take the workspace id.
 *
 * `claimExecutions` moves claimable executions to `running` with `locked_by` = the worker and `locked_until` = now +
 * lease; the worker extends its leases well within the lease; a worker that dies stops extending, its leases expire,
 * and the next claim picks those executions up again (previousStatus "running": resume from the checkpoint). Status
 * changes by a worker pass its id and fail with `LeaseLostError` when it no longer holds the lease.
 * Times are the database's (`now()`), so that several machines agree on lease expiry.
 */
import { and, eq, getTableColumns, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { Database } from "../client";
import { LeaseLostError } from "../errors";
import { type Execution, type ExecutionStatus, executions } from "../schema";
import { explainRefusal, leaseEnd } from "./execution-shared";

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
