/** Helpers shared by executions.ts and execution-leases.ts (not part of the public API). */
import { type SQL, and, eq, gte, inArray, lt, or, sql } from "drizzle-orm";
import { ExecutionStateError, NotFoundError } from "../../errors";
import type { Database } from "../client";
import { LeaseLostError } from "../errors";
import { checkpointBlobs, checkpointWrites, checkpoints, executions } from "../schema";

/** `now() + leaseMs`, in the database's clock. */
export const leaseEnd = (leaseMs: number): SQL => sql`now() + ${Math.max(0, Math.round(leaseMs))} * interval '1 millisecond'`;

/** After an UPDATE matched nothing: the precise error (NotFoundError, LeaseLostError or ExecutionStateError). */
export async function explainRefusal(
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

/**
 * Deletes the LangGraph threads of executions: the execution's own (`thread_id` = its id) and its agents'
 * (`<executionId>/<node>/<run>/<item>`, agents/), matched as the key range `[id + "/", id + "0")` so the primary key's
 * index serves it ("0" sorts right after "/").
 */
export async function deleteExecutionThreads(db: Database, executionIds: readonly string[]): Promise<void> {
  if (executionIds.length === 0) return;
  for (const table of [checkpointWrites, checkpointBlobs, checkpoints]) {
    const agentThreads = executionIds.map((id) => and(gte(table.threadId, `${id}/`), lt(table.threadId, `${id}0`))!);
    await db.delete(table).where(or(inArray(table.threadId, [...executionIds]), ...agentThreads));
  }
}
