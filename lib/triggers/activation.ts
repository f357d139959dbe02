/**
 * Activation: an active workflow owns its webhook routes and schedules. `activateWorkflow` validates the stored workflow,
 * replaces its routes and schedules and marks it active, in one transaction; a (method, path) another workflow holds is a
 * `WebhookConflictError` and changes nothing. `deactivateWorkflow` removes them.
 */
import type { Database } from "@/lib/db/client";
import { deleteSchedules, insertSchedules, type ScheduleInput } from "@/lib/db/queries/schedules";
import { deleteWebhookRoutes, getWebhookRoute, insertWebhookRoutes, type WebhookRouteInput } from "@/lib/db/queries/webhook-routes";
import { getWorkflow, setWorkflowActive } from "@/lib/db/queries/workflows";
import type { WorkflowRow } from "@/lib/db/schema";
import { compileWorkflow, type CompiledWorkflow } from "@/lib/engine/compiled-workflow";
import { NotFoundError } from "@/lib/errors";
import type { NodeRegistry } from "@/lib/workflow/node-definition";
import { nodeRegistry } from "@/nodes";
import { CHAT_TRIGGER_NODE_TYPE, type ChatTriggerParameters } from "@/nodes/chat-trigger/definition";
import { cronOfRule, nextCronRun, type ScheduleTriggerParameters } from "@/nodes/schedule-trigger/definition";
import type { WebhookParameters } from "@/nodes/webhook/definition";
import { ActivationError, WebhookConflictError } from "./errors";

export const WEBHOOK_NODE_TYPE = "hetumind.webhook";
export const SCHEDULE_NODE_TYPE = "hetumind.scheduleTrigger";
export const ERROR_TRIGGER_NODE_TYPE = "hetumind.errorTrigger";

export interface ActivationOptions {
  registry?: NodeRegistry;
  /** When schedules count from (tests). */
  now?: Date;
}

export interface TriggerPlan {
  routes: Array<Omit<WebhookRouteInput, "workspaceId" | "workflowId">>;
  schedules: Array<Omit<ScheduleInput, "workspaceId" | "workflowId">>;
}

/** Stored workflows carry their id and name in columns; the definition may not. */
export function workflowDocument(row: WorkflowRow): Record<string, unknown> {
  return { ...row.definition, id: row.id, name: row.name };
}

function staticParameters<T>(compiled: CompiledWorkflow, name: string): T {
  const node = compiled.nodes.get(name)!;
  if (node.staticParameters === undefined) {
    throw new ActivationError("trigger_parameters_dynamic", `Node "${name}": a trigger's parameters cannot hold {{ expressions }} (they are read when the workflow is activated)`, { node: name });
  }
  return node.staticParameters as T;
}

/** What an active workflow listens on: its enabled Webhook nodes' routes and Schedule Trigger nodes' next runs. */
export function planTriggers(compiled: CompiledWorkflow, now: Date): TriggerPlan {
  const plan: TriggerPlan = { routes: [], schedules: [] };
  let otherTriggers = 0;
  const seen = new Map<string, string>();
  for (const name of compiled.triggers) {
    const type = compiled.nodes.get(name)!.node.type;
    if (type === WEBHOOK_NODE_TYPE) {
      const parameters = staticParameters<WebhookParameters>(compiled, name);
      const key = `${parameters.httpMethod} ${parameters.path}`;
      const other = seen.get(key);
      if (other) {
        throw new WebhookConflictError(`Nodes "${other}" and "${name}" both listen on ${key}`, { method: parameters.httpMethod, path: parameters.path, node: name });
      }
      seen.set(key, name);
      plan.routes.push({ method: parameters.httpMethod, path: parameters.path, nodeName: name });
    } else if (type === SCHEDULE_NODE_TYPE) {
      const parameters = staticParameters<ScheduleTriggerParameters>(compiled, name);
      const timezone = parameters.timezone ?? compiled.workflow.settings.timezone ?? "UTC";
      const cron = cronOfRule(parameters.rule);
      const nextRunAt = nextCronRun(cron, timezone, now);
      if (!nextRunAt) throw new ActivationError("no_activatable_trigger", `Node "${name}": the cron expression "${cron}" never fires again`, { node: name });
      plan.schedules.push({ nodeName: name, cron, timezone, nextRunAt });
    } else if (type === ERROR_TRIGGER_NODE_TYPE) {
      otherTriggers += 1;
    } else if (type === CHAT_TRIGGER_NODE_TYPE) {
      // Served by POST /api/chat/<workflowId> (lib/triggers/chat.ts); its parameters are read per request, checked here.
      staticParameters<ChatTriggerParameters>(compiled, name);
      otherTriggers += 1;
    }
  }
  if (plan.routes.length + plan.schedules.length + otherTriggers === 0) {
    throw new ActivationError("no_activatable_trigger", "The workflow has no Webhook, Schedule Trigger, Chat Trigger or Error Trigger node to activate: run it by hand instead");
  }
  return plan;
}

/**
 * Validates the stored workflow (`WorkflowValidationError` with every problem), then, in one transaction, replaces its
 * routes and schedules and sets `active`. Activating an active workflow again re-reads its triggers (after an edit).
 */
export async function activateWorkflow(db: Database, workspaceId: string, workflowId: string, options: ActivationOptions = {}): Promise<WorkflowRow> {
  const row = await getWorkflow(db, workspaceId, workflowId);
  if (!row) throw new NotFoundError("Workflow", workflowId, { workspaceId });
  const compiled = compileWorkflow(workflowDocument(row), options.registry ?? nodeRegistry);
  const plan = planTriggers(compiled, options.now ?? new Date());
  return db.transaction(async (tx) => {
    await deleteWebhookRoutes(tx, workspaceId, workflowId);
    await deleteSchedules(tx, workspaceId, workflowId);
    const clashes = await insertWebhookRoutes(
      tx,
      plan.routes.map((route) => ({ ...route, workspaceId, workflowId })),
    );
    if (clashes.length > 0) {
      const clash = clashes[0];
      const holder = await getWebhookRoute(tx, clash.method, clash.path);
      // Another workspace's workflow is not named: its id is none of this caller's business.
      const sameWorkspace = holder?.workspaceId === workspaceId;
      throw new WebhookConflictError(
        `${clash.method} /${clash.path} is already used by another active workflow${sameWorkspace ? ` (${holder!.workflowId})` : ""}`,
        { method: clash.method, path: clash.path, node: clash.nodeName, workspaceId, ...(sameWorkspace ? { conflictingWorkflowId: holder!.workflowId } : {}) },
      );
    }
    await insertSchedules(
      tx,
      plan.schedules.map((schedule) => ({ ...schedule, workspaceId, workflowId })),
    );
    return setWorkflowActive(tx, workspaceId, workflowId, true);
  });
}

/** Removes the workflow's routes and schedules and clears `active`. Its URLs answer 404 from now on. */
export async function deactivateWorkflow(db: Database, workspaceId: string, workflowId: string): Promise<WorkflowRow> {
  return db.transaction(async (tx) => {
    await deleteWebhookRoutes(tx, workspaceId, workflowId);
    await deleteSchedules(tx, workspaceId, workflowId);
    return setWorkflowActive(tx, workspaceId, workflowId, false);
  });
}
