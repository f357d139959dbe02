/** Per-node input, output and timing for the UI: written in one batch (one INSERT) per segment. */
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../client";
import { type NodeRun, type NodeRunStatus, nodeRuns } from "../schema";

export interface NodeRunInput {
  nodeName: string;
  nodeType: string;
  runIndex?: number;
  attempt?: number;
  status: NodeRunStatus;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  itemsIn?: number;
  itemsOut?: number;
  input?: unknown;
  output?: unknown;
  error?: unknown;
}

/** Inserts the node runs of one segment in ONE statement. */
export async function insertNodeRuns(
  db: Database,
  input: { workspaceId: string; executionId: string; runs: readonly NodeRunInput[] },
): Promise<void> {
  if (input.runs.length === 0) return;
  await db.insert(nodeRuns).values(
    input.runs.map((run) => ({
      executionId: input.executionId,
      workspaceId: input.workspaceId,
      nodeName: run.nodeName,
      nodeType: run.nodeType,
      runIndex: run.runIndex ?? 0,
      attempt: run.attempt ?? 1,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      durationMs: run.durationMs,
      itemsIn: run.itemsIn ?? 0,
      itemsOut: run.itemsOut ?? 0,
      input: run.input ?? null,
      output: run.output ?? null,
      error: run.error ?? null,
    })),
  );
}

/** In the order they were written. */
export async function listNodeRuns(db: Database, workspaceId: string, executionId: string): Promise<NodeRun[]> {
  return db
    .select()
    .from(nodeRuns)
    .where(and(eq(nodeRuns.workspaceId, workspaceId), eq(nodeRuns.executionId, executionId)))
    .orderBy(asc(nodeRuns.id));
}

/**
 * Drops the recorded input and output of an execution's node runs, keeping timing, counts and errors: for workflows
 * saved with `saveExecution: "errors"` once they succeed. Returns how many runs were cleared.
 */
export async function clearNodeRunOutputs(db: Database, workspaceId: string, executionId: string): Promise<number> {
  const cleared = await db
    .update(nodeRuns)
    .set({ input: null, output: null })
    .where(and(eq(nodeRuns.workspaceId, workspaceId), eq(nodeRuns.executionId, executionId)))
    .returning({ id: nodeRuns.id });
  return cleared.length;
}
