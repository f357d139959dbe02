/**
 * Per-node input, output and timing for the UI. A segment's node runs are written as ONE row of `node_run_batches`
 * (a JSON array) and read one row per node run through the `node_runs` view (docs/decisions/node-runs-one-row-per-segment.md).
 */
import { type SQL, and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import type { NodeRunUsage } from "../../workflow/usage";
import { type NodeRun, type NodeRunStatus, nodeRunBatches, nodeRuns } from "../schema";

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
  usage?: NodeRunUsage | null;
}

/** The INSERT of one segment's node runs as one row (one JSON text parameter); usable inside a larger statement. */
export function nodeRunsInsertStatement(input: NodeRunBatchInput): SQL {
  return nodeRunBatchesInsertStatement([input]);
}

export interface NodeRunBatchInput {
  workspaceId: string;
  executionId: string;
  runs: readonly NodeRunInput[];
}

/** One `node_run_batches` row per batch, all in one INSERT. */
export function nodeRunBatchesInsertStatement(batches: readonly NodeRunBatchInput[]): SQL {
  return sql`insert into ${nodeRunBatches} (${sql.identifier("execution_id")}, ${sql.identifier("workspace_id")}, ${sql.identifier("runs")}) values ${sql.join(batchRows(batches), sql`, `)}`;
}

/**
 * The node runs of one execution as a CTE of another statement (`node_runs_written as (...)`), written only when
 * `condition` holds (e.g. `exists (select 1 from moved)`, lib/db/queries/executions.ts updateExecutionStatusWith).
 */
export function nodeRunsInsertCte(input: NodeRunBatchInput, condition: SQL): SQL {
  const [row] = batchRows([input]);
  return sql`node_runs_written as (insert into ${nodeRunBatches} (${sql.identifier("execution_id")}, ${sql.identifier("workspace_id")}, ${sql.identifier("runs")}) select * from (values ${row}) as batch where ${condition})`;
}

function batchRows(batches: readonly NodeRunBatchInput[]): SQL[] {
  return batches.map((input) => {
    const runs = input.runs.map((run) => ({
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
      ...(run.usage ? { usage: run.usage } : {}),
    }));
    // The JSON text goes in as one text parameter cast to json: drizzle's json column mapping costs as much again.
    return sql`(${input.executionId}, ${input.workspaceId}, ${JSON.stringify(runs)}::json)`;
  });
}

/** Writes the node runs of one segment as one row: one statement, one JSON parameter. */
export async function insertNodeRuns(
  db: Database,
  input: { workspaceId: string; executionId: string; runs: readonly NodeRunInput[] },
): Promise<void> {
  if (input.runs.length === 0) return;
  await db.execute(nodeRunsInsertStatement(input));
}

/** In the order they ran. */
export async function listNodeRuns(db: Database, workspaceId: string, executionId: string): Promise<NodeRun[]> {
  return db
    .select()
    .from(nodeRuns)
    .where(and(eq(nodeRuns.workspaceId, workspaceId), eq(nodeRuns.executionId, executionId)))
    .orderBy(asc(nodeRuns.batchId), asc(nodeRuns.position));
}

/** Drops the recorded input and output items of an execution's node runs (saveExecution "errors" after a success). */
export async function clearNodeRunOutputs(db: Database, workspaceId: string, executionId: string): Promise<number> {
  const cleared = await db
    .update(nodeRunBatches)
    .set({
      runs: sql`(select json_agg((run::jsonb || '{"input": null, "output": null}'::jsonb) order by position) from json_array_elements(${nodeRunBatches.runs}) with ordinality as entries(run, position))`,
    })
    .where(and(eq(nodeRunBatches.workspaceId, workspaceId), eq(nodeRunBatches.executionId, executionId)))
    .returning({ runs: sql<number>`json_array_length(${nodeRunBatches.runs})` });
  return cleared.reduce((sum, batch) => sum + Number(batch.runs), 0);
}
