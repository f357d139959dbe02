/** Helpers shared by executions.ts and execution-leases.ts (not part of the public API). */
import { type SQL, and, eq, sql } from "drizzle-orm";
import { ExecutionStateError, NotFoundError } from "../../errors";
import type { Database } from "../client";
import { LeaseLostError } from "../errors";
import { executions } from "../schema";

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
