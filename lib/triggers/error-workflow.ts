/**
 * Error workflows: when an execution fails and its workflow's `settings.errorWorkflow` names a stored workflow of the same
 * workspace that has an Error Trigger node, that workflow is queued (a worker runs it) with one item
 * `{ execution: { id, error, lastNodeExecuted, mode }, workflow: { id, name } }`.
 *
 * Not for: manual runs (n8n's rule: testing in the editor shows the error there), cancelled executions, and executions
 * that were themselves started by an Error Trigger (no error-workflow loops).
 */
import type { Database } from "@/lib/db/client";
import { getWorkflow } from "@/lib/db/queries/workflows";
import type { Execution } from "@/lib/db/schema";
import type { Engine } from "@/lib/engine/engine";
import type { SerializedError } from "@/lib/engine/run-state";
import { createLogger } from "@/lib/log";

const ERROR_TRIGGER_TYPE = "hetumind.errorTrigger";
const log = createLogger({ component: "error-workflow" });

interface SnapshotNode {
  name?: unknown;
  type?: unknown;
  disabled?: unknown;
}

function errorTriggerOf(definition: Record<string, unknown>): string | undefined {
  const nodes = Array.isArray(definition.nodes) ? (definition.nodes as SnapshotNode[]) : [];
  const node = nodes.find((candidate) => candidate.type === ERROR_TRIGGER_TYPE && candidate.disabled !== true && typeof candidate.name === "string");
  return node?.name as string | undefined;
}

function startedByErrorTrigger(snapshot: Record<string, unknown>): boolean {
  const meta = snapshot.meta as Record<string, unknown> | null | undefined;
  const trigger = meta && typeof meta === "object" ? meta.hetumindTriggerNode : undefined;
  const nodes = Array.isArray(snapshot.nodes) ? (snapshot.nodes as SnapshotNode[]) : [];
  return nodes.some((node) => node.name === trigger && node.type === ERROR_TRIGGER_TYPE);
}

/** Queues the error workflow of a failed execution; returns its execution id, or null when there is none to run. */
export async function startErrorWorkflow(
  engine: Engine,
  db: Database,
  failed: Execution,
  error: SerializedError,
  lastNode: string | null,
): Promise<string | null> {
  const snapshot = failed.workflowSnapshot;
  const settings = (snapshot.settings ?? {}) as { errorWorkflow?: unknown };
  const errorWorkflowId = typeof settings.errorWorkflow === "string" ? settings.errorWorkflow : "";
  if (!errorWorkflowId || failed.mode === "manual" || startedByErrorTrigger(snapshot)) return null;
  const row = await getWorkflow(db, failed.workspaceId, errorWorkflowId);
  if (!row) {
    log.warn("the error workflow does not exist in this workspace", { executionId: failed.id, workspaceId: failed.workspaceId, errorWorkflowId });
    return null;
  }
  const triggerNode = errorTriggerOf(row.definition);
  if (!triggerNode) {
    log.warn("the error workflow has no enabled Error Trigger node", { executionId: failed.id, workspaceId: failed.workspaceId, errorWorkflowId });
    return null;
  }
  const execution = await engine.start({
    workflow: { ...row.definition, id: row.id, name: row.name },
    workflowId: row.id,
    workspaceId: failed.workspaceId,
    mode: "trigger",
    triggerNode,
    queue: true,
    input: {
      execution: { id: failed.id, error, lastNodeExecuted: error.node ?? lastNode, mode: failed.mode },
      workflow: { id: failed.workflowId ?? (typeof snapshot.id === "string" ? snapshot.id : null), name: typeof snapshot.name === "string" ? snapshot.name : "" },
    },
  });
  log.info("error workflow queued", { executionId: failed.id, workspaceId: failed.workspaceId, errorExecutionId: execution.id });
  return execution.id;
}
