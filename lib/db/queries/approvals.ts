/** What a human sees while an execution waits on `interrupt()`, and their decision. */
import { randomUUID } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { NotFoundError } from "../../errors";
import type { Database } from "../client";
import { ApprovalDecidedError } from "../errors";
import { type Approval, approvals } from "../schema";

export interface CreateApprovalInput {
  workspaceId: string;
  executionId: string;
  id?: string;
  nodeName: string;
  message: string;
  data?: unknown;
}

export async function createApproval(db: Database, input: CreateApprovalInput): Promise<Approval> {
  const [row] = await db
    .insert(approvals)
    .values({
      id: input.id ?? randomUUID(),
      workspaceId: input.workspaceId,
      executionId: input.executionId,
      nodeName: input.nodeName,
      message: input.message,
      data: input.data ?? null,
    })
    .returning();
  return row;
}

export async function getApproval(db: Database, workspaceId: string, approvalId: string): Promise<Approval | undefined> {
  const [row] = await db
    .select()
    .from(approvals)
    .where(and(eq(approvals.workspaceId, workspaceId), eq(approvals.id, approvalId)))
    .limit(1);
  return row;
}

/** The pending approvals of one execution, oldest first. */
export async function getPendingApprovals(db: Database, workspaceId: string, executionId: string): Promise<Approval[]> {
  return db
    .select()
    .from(approvals)
    .where(
      and(eq(approvals.workspaceId, workspaceId), eq(approvals.executionId, executionId), eq(approvals.status, "pending")),
    )
    .orderBy(asc(approvals.createdAt), asc(approvals.id));
}

/** The workspace's inbox: every pending approval, oldest first. */
export async function listPendingApprovals(
  db: Database,
  workspaceId: string,
  options: { limit?: number } = {},
): Promise<Approval[]> {
  return db
    .select()
    .from(approvals)
    .where(and(eq(approvals.workspaceId, workspaceId), eq(approvals.status, "pending")))
    .orderBy(asc(approvals.createdAt), asc(approvals.id))
    .limit(options.limit ?? 100);
}

/**
 * Records a decision on a pending approval, once: a second decision (or one on a cancelled execution's approval)
 * throws ApprovalDecidedError; an unknown id NotFoundError. Resuming the execution is the engine's part.
 */
export async function decideApproval(
  db: Database,
  input: { workspaceId: string; approvalId: string; status: "approved" | "rejected"; decision?: unknown; decidedBy?: string },
): Promise<Approval> {
  const [row] = await db
    .update(approvals)
    .set({
      status: input.status,
      decision: input.decision ?? null,
      decidedBy: input.decidedBy ?? null,
      decidedAt: sql`now()`,
    })
    .where(
      and(eq(approvals.workspaceId, input.workspaceId), eq(approvals.id, input.approvalId), eq(approvals.status, "pending")),
    )
    .returning();
  if (row) return row;
  const current = await getApproval(db, input.workspaceId, input.approvalId);
  if (!current) throw new NotFoundError("Approval", input.approvalId, { workspaceId: input.workspaceId });
  throw new ApprovalDecidedError(input.approvalId, current.status, {
    workspaceId: input.workspaceId,
    executionId: current.executionId,
  });
}
