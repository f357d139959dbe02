/**
 * Schedule firing: the local driver calls `fireDueSchedules` on every poll. Each due schedule queues one execution (the
 * driver then claims it like any other) and moves `next_run_at` to the first cron time after now. So runs missed while
 * no process was up collapse into one run at start, and a schedule is never fired twice for the same due time: the
 * execution id is derived from (workflow, node, due time), and `next_run_at` moves by compare-and-set.
 */
import { createHash } from "node:crypto";
import { getExecution } from "@/lib/db/queries/executions";
import { advanceSchedule, dueSchedules } from "@/lib/db/queries/schedules";
import { getWorkflow } from "@/lib/db/queries/workflows";
import type { Schedule } from "@/lib/db/schema-platform";
import { createLogger } from "@/lib/log";
import { nextCronRun } from "@/nodes/schedule-trigger/definition";
import { workflowDocument } from "./activation";
import type { TriggerRuntime } from "./runtime";

const log = createLogger({ component: "schedules" });

/** The execution id of one due time of one schedule. */
export function scheduledExecutionId(schedule: Pick<Schedule, "workflowId" | "nodeName" | "nextRunAt">): string {
  const hex = createHash("sha256").update(`schedule:${schedule.workflowId}:${schedule.nodeName}:${schedule.nextRunAt.toISOString()}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function fireOne(runtime: TriggerRuntime, schedule: Schedule, now: Date): Promise<string | null> {
  const db = runtime.database.db;
  const id = scheduledExecutionId(schedule);
  let started: string | null = null;
  const workflow = await getWorkflow(db, schedule.workspaceId, schedule.workflowId);
  if (workflow?.active && !(await getExecution(db, schedule.workspaceId, id))) {
    try {
      await runtime.engine.start({
        id,
        queue: true,
        workflow: workflowDocument(workflow),
        workflowId: workflow.id,
        workspaceId: workflow.workspaceId,
        mode: "trigger",
        triggerNode: schedule.nodeName,
        input: { timestamp: now.toISOString(), scheduledAt: schedule.nextRunAt.toISOString(), timezone: schedule.timezone },
      });
      started = id;
    } catch (error) {
      // Another worker started the same run (same id), or the workflow was saved invalid since activation: either way
      // this due time is done; the schedule still moves on.
      log.warn("schedule did not start an execution", { workflowId: schedule.workflowId, node: schedule.nodeName, error: error instanceof Error ? error.message : String(error) });
    }
  }
  let next: Date | null = null;
  try {
    next = nextCronRun(schedule.cron, schedule.timezone, now);
  } catch (error) {
    log.error("schedule has an invalid cron expression; disabling it", { workflowId: schedule.workflowId, node: schedule.nodeName, error: error instanceof Error ? error.message : String(error) });
  }
  await advanceSchedule(db, { workflowId: schedule.workflowId, nodeName: schedule.nodeName, firedRunAt: schedule.nextRunAt, nextRunAt: next, now });
  return started;
}

/** Queues one execution per due schedule and advances each; returns the ids of the executions it queued. */
export async function fireDueSchedules(runtime: TriggerRuntime, now: Date = new Date()): Promise<string[]> {
  const due = await dueSchedules(runtime.database.db, now);
  const started: string[] = [];
  for (const schedule of due) {
    const id = await fireOne(runtime, schedule, now);
    if (id) {
      started.push(id);
      log.info("schedule fired", { workflowId: schedule.workflowId, workspaceId: schedule.workspaceId, node: schedule.nodeName, executionId: id });
    }
  }
  return started;
}
