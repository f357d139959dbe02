/**
 * What the execution routes do, given an authorized principal. Every query is scoped to `principal.workspaceId`:
 * another workspace's id is the same NotFoundError as an unknown one.
 */
import type { Principal } from "@/lib/auth/authenticate";
import type { Database } from "@/lib/db/client";
import { type ExecutionSummary, deleteExecution, getExecution, requestCancel, searchExecutions } from "@/lib/db/queries/executions";
import { type ExecutionStatus, FINISHED_EXECUTION_STATUSES } from "@/lib/db/schema";
import { nodeRunHistory } from "@/lib/engine/node-run-history";
import type { InputSource } from "@/lib/engine/run-state";
import { ExecutionStateError, NotFoundError } from "@/lib/errors";
import { RequestValidationError } from "@/lib/http/errors";
import { decodeCursor, pageOf } from "../workflows/pagination";
import { apiEngine, outcomeBody } from "./engine";

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function executionSummaryBody(execution: ExecutionSummary): Record<string, unknown> {
  return {
    id: execution.id,
    workflowId: execution.workflowId,
    mode: execution.mode,
    status: execution.status,
    error: execution.error ?? null,
    parentExecutionId: execution.parentExecutionId,
    createdAt: execution.createdAt.toISOString(),
    startedAt: iso(execution.startedAt),
    finishedAt: iso(execution.finishedAt),
    waitUntil: iso(execution.waitUntil),
    cancelRequested: execution.cancelRequested,
  };
}

function notFound(principal: Principal, executionId: string): NotFoundError {
  return new NotFoundError("Execution", executionId, { workspaceId: principal.workspaceId });
}

export async function listExecutionsHandler(
  db: Database,
  principal: Principal,
  query: { workflowId?: string; status?: ExecutionStatus | ExecutionStatus[]; from?: string; to?: string; limit: number; cursor?: string },
): Promise<{ data: unknown[]; nextCursor: string | null }> {
  const rows = await searchExecutions(db, principal.workspaceId, {
    workflowId: query.workflowId,
    status: query.status === undefined ? undefined : ([] as ExecutionStatus[]).concat(query.status),
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    limit: query.limit + 1,
    after: decodeCursor(query.cursor),
  });
  return pageOf(rows, query.limit, (row) => row.id, executionSummaryBody);
}

/** `status=a,b` and `status=a&status=b` both mean several statuses. */
export function splitStatusQuery(query: Record<string, string | string[]>): Record<string, string | string[]> {
  const status = query.status;
  if (status === undefined) return query;
  const values = ([] as string[]).concat(status).flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean);
  return { ...query, status: values.length === 1 ? values[0] : values };
}

/** The execution (without its workflow snapshot) and its node runs in the order they ran. */
export async function getExecutionHandler(db: Database, principal: Principal, executionId: string): Promise<Record<string, unknown>> {
  const execution = await getExecution(db, principal.workspaceId, executionId);
  if (!execution) throw notFound(principal, executionId);
  const runs = await nodeRunHistory(db, principal.workspaceId, executionId);
  return {
    ...executionSummaryBody(execution),
    input: execution.input ?? null,
    output: execution.output ?? null,
    nodeRuns: runs.map((run) => ({
      node: run.nodeName,
      type: run.nodeType,
      runIndex: run.runIndex,
      attempt: run.attempt,
      status: run.status,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt.toISOString(),
      durationMs: run.durationMs,
      itemsIn: run.itemsIn,
      itemsOut: run.itemsOut,
      inputSources: (run.input as Array<InputSource | null> | null) ?? null,
      output: run.output,
      error: run.error ?? null,
      usage: run.usage ?? null,
    })),
  };
}

/** Cancels a queued or waiting execution at once; a running one stops at its next step. A finished one is 409. */
export async function cancelExecutionHandler(db: Database, principal: Principal, executionId: string): Promise<Record<string, unknown>> {
  return executionSummaryBody(await requestCancel(db, principal.workspaceId, executionId));
}

/**
 * Runs a finished execution again as a new execution: the same workflow snapshot (so the same trigger node) and the
 * same input. Only `from: "start"` is supported: starting at the failed node would need the earlier nodes' outputs
 * rebuilt into a LangGraph checkpoint, which is not cheap to do safely — `from: "failed"` is a 422 for now.
 */
export async function retryExecutionHandler(
  db: Database,
  principal: Principal,
  executionId: string,
  options: { from: "start" | "failed"; wait: boolean },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const execution = await getExecution(db, principal.workspaceId, executionId);
  if (!execution) throw notFound(principal, executionId);
  if (options.from === "failed") {
    throw new RequestValidationError([{ path: "from", message: 'only "start" is supported for now: a retry runs the whole workflow again', code: "not_supported" }]);
  }
  if (!(FINISHED_EXECUTION_STATUSES as readonly ExecutionStatus[]).includes(execution.status)) {
    throw new ExecutionStateError(`Execution ${executionId} cannot be retried: it is ${execution.status} (cancel it or wait until it finishes)`, {
      executionId,
      status: execution.status,
    });
  }
  const engine = await apiEngine();
  const request = {
    workflow: execution.workflowSnapshot,
    workflowId: execution.workflowId,
    workspaceId: principal.workspaceId,
    input: execution.input ?? undefined,
    mode: "manual" as const,
  };
  if (options.wait) return { status: 200, body: { ...outcomeBody(await engine.startAndRun(request)), retryOf: executionId } };
  const retried = await engine.start({ ...request, queue: true });
  return { status: 202, body: { executionId: retried.id, status: "queued", retryOf: executionId } };
}

/** Deletes a finished execution with its node runs and checkpoints; a queued, running or waiting one is 409. */
export async function deleteExecutionHandler(db: Database, principal: Principal, executionId: string): Promise<void> {
  const execution = await getExecution(db, principal.workspaceId, executionId);
  if (!execution) throw notFound(principal, executionId);
  if (!(FINISHED_EXECUTION_STATUSES as readonly ExecutionStatus[]).includes(execution.status)) {
    throw new ExecutionStateError(`Execution ${executionId} is ${execution.status}: cancel it before deleting it`, { executionId, status: execution.status });
  }
  if (!(await deleteExecution(db, principal.workspaceId, executionId))) throw notFound(principal, executionId);
}

/** The query string as an object (a repeated key becomes an array), with `status=a,b` split. */
export function executionsQueryOf(request: Request): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URL(request.url).searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return splitStatusQuery(query);
}
