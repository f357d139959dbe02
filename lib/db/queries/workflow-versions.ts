/**
 * Saved versions of a workflow: one row per save (create, update, restore, import), keyed by the workflow's
 * `version_id` at that save. Every query takes the workspace id.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type WorkflowVersion, workflowVersions } from "../schema-platform";

export interface InsertWorkflowVersionInput {
  workflowId: string;
  versionId: string;
  workspaceId: string;
  name: string;
  definition: Record<string, unknown>;
  createdBy?: string | null;
}

export async function insertWorkflowVersion(db: Database, input: InsertWorkflowVersionInput): Promise<WorkflowVersion> {
  const [row] = await db
    .insert(workflowVersions)
    .values({ ...input, createdBy: input.createdBy ?? null })
    .returning();
  return row;
}

export type WorkflowVersionWithCursor = WorkflowVersion & { cursorAt: string };

/**
 * Newest first. `after` continues a page: the last row's `cursorAt` (created_at as exact text, microseconds kept) and
 * `versionId`.
 */
export async function listWorkflowVersions(
  db: Database,
  workspaceId: string,
  workflowId: string,
  options: { limit?: number; after?: { at: string; id: string } } = {},
): Promise<WorkflowVersionWithCursor[]> {
  const after = options.after;
  return db
    .select({
      workflowId: workflowVersions.workflowId,
      versionId: workflowVersions.versionId,
      workspaceId: workflowVersions.workspaceId,
      name: workflowVersions.name,
      definition: workflowVersions.definition,
      createdBy: workflowVersions.createdBy,
      createdAt: workflowVersions.createdAt,
      cursorAt: sql<string>`${workflowVersions.createdAt}::text`,
    })
    .from(workflowVersions)
    .where(
      and(
        eq(workflowVersions.workspaceId, workspaceId),
        eq(workflowVersions.workflowId, workflowId),
        after ? sql`(${workflowVersions.createdAt}, ${workflowVersions.versionId}) < (${after.at}::timestamptz, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(workflowVersions.createdAt), desc(workflowVersions.versionId))
    .limit(options.limit ?? 50);
}

export async function getWorkflowVersion(db: Database, workspaceId: string, workflowId: string, versionId: string): Promise<WorkflowVersion | undefined> {
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workspaceId, workspaceId), eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.versionId, versionId)))
    .limit(1);
  return row;
}
