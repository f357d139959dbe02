/** Schedule triggers of active workflows; the local driver fires the due ones (lib/triggers/schedules.ts). */
import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type Schedule, schedules } from "../schema-platform";

export interface ScheduleInput {
  workspaceId: string;
  workflowId: string;
  nodeName: string;
  cron: string;
  timezone: string;
  nextRunAt: Date;
}

export async function insertSchedules(db: Database, rows: ScheduleInput[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(schedules).values(rows);
}

export function listSchedules(db: Database, workspaceId: string, workflowId: string): Promise<Schedule[]> {
  return db
    .select()
    .from(schedules)
    .where(and(eq(schedules.workspaceId, workspaceId), eq(schedules.workflowId, workflowId)))
    .orderBy(asc(schedules.nodeName));
}

export async function deleteSchedules(db: Database, workspaceId: string, workflowId: string): Promise<number> {
  const deleted = await db
    .delete(schedules)
    .where(and(eq(schedules.workspaceId, workspaceId), eq(schedules.workflowId, workflowId)))
    .returning({ nodeName: schedules.nodeName });
  return deleted.length;
}

/** Enabled schedules due at `now`, earliest first. */
export function dueSchedules(db: Database, now: Date, limit = 100): Promise<Schedule[]> {
  return db
    .select()
    .from(schedules)
    .where(and(eq(schedules.enabled, true), lte(schedules.nextRunAt, now)))
    .orderBy(asc(schedules.nextRunAt))
    .limit(limit);
}

/**
 * Moves a schedule from the run it just fired to its next one, only if no one else did (compare-and-set on
 * `next_run_at`): returns false when another worker advanced it first. `nextRunAt` null disables it (it never fires again).
 */
export async function advanceSchedule(
  db: Database,
  input: { workflowId: string; nodeName: string; firedRunAt: Date; nextRunAt: Date | null; now: Date },
): Promise<boolean> {
  const updated = await db
    .update(schedules)
    .set(
      input.nextRunAt
        ? { nextRunAt: input.nextRunAt, lastRunAt: input.now }
        : { enabled: false, lastRunAt: input.now },
    )
    .where(and(eq(schedules.workflowId, input.workflowId), eq(schedules.nodeName, input.nodeName), eq(schedules.nextRunAt, input.firedRunAt)))
    .returning({ nodeName: schedules.nodeName });
  return updated.length > 0;
}

/** For tests and operators: sets when a schedule is next due. */
export async function setScheduleNextRun(db: Database, workflowId: string, nodeName: string, nextRunAt: Date): Promise<void> {
  await db
    .update(schedules)
    .set({ nextRunAt, enabled: sql`true` })
    .where(and(eq(schedules.workflowId, workflowId), eq(schedules.nodeName, nodeName)));
}
