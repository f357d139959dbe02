/**
 * Retention: deleting finished executions older than a cutoff, across every workspace (an operator's policy, run by
 * the worker — lib/engine/retention.ts). Node runs and approvals go with their execution (foreign keys with
 * `on delete cascade`); the LangGraph threads (checkpoints, blobs, writes; `thread_id` = execution id, and its agents'
 * `<executionId>/...`) are deleted in the same transaction. Queued, running and waiting executions are never touched.
 */
import { and, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../client";
import { FINISHED_EXECUTION_STATUSES, executions } from "../schema";
import { deleteExecutionThreads } from "./execution-shared";

/**
 * Deletes at most `limit` finished executions (succeeded, failed, cancelled) that finished before `cutoff`, oldest
 * first, in one transaction. Returns the ids deleted (fewer than `limit`: nothing older is left).
 */
export async function deleteFinishedExecutionsBefore(db: Database, input: { cutoff: Date; limit: number }): Promise<string[]> {
  const limit = Math.max(1, Math.floor(input.limit));
  return db.transaction(async (transaction) => {
    // `finished_at` is set whenever an execution reaches a finished status; `created_at` covers rows written otherwise.
    const finishedAt = sql`coalesce(${executions.finishedAt}, ${executions.createdAt})`;
    const expired = transaction
      .select({ id: executions.id })
      .from(executions)
      .where(and(inArray(executions.status, [...FINISHED_EXECUTION_STATUSES]), lt(finishedAt, input.cutoff)))
      .orderBy(finishedAt)
      .limit(limit)
      .for("update", { skipLocked: true });
    const deleted = await transaction
      .delete(executions)
      .where(inArray(executions.id, expired))
      .returning({ id: executions.id });
    const ids = deleted.map((row) => row.id);
    if (ids.length > 0) {
      await deleteExecutionThreads(transaction, ids);
    }
    return ids;
  });
}
