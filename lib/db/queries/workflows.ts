/** Saved workflows of a workspace. `version_id` changes on every save (n8n's versionId). */
import { randomUUID } from "node:crypto";
import { and, desc, eq, getTableColumns, ilike, sql } from "drizzle-orm";
import { NotFoundError } from "../../errors";
import type { Database } from "../client";
import { changing, noteWorkflowRetired } from "../changes";
import { type WorkflowRow, workflows } from "../schema";

export interface SaveWorkflowInput {
  workspaceId: string;
  id?: string;
  name: string;
  /** The workflow JSON (validate it with lib/workflow before saving). */
  definition: Record<string, unknown>;
  active?: boolean;
}

export async function createWorkflow(db: Database, input: SaveWorkflowInput): Promise<WorkflowRow> {
  const [row] = await changing("workflows", () =>
    db
      .insert(workflows)
      .values({
        id: input.id ?? randomUUID(),
        workspaceId: input.workspaceId,
        name: input.name,
        definition: input.definition,
        active: input.active ?? false,
        versionId: randomUUID(),
      })
      .returning(),
  );
  return row;
}

/**
 * Creates the workflow or replaces its name, definition (and `active`, when given), with a new version id. An id that
 * exists in another workspace is not touched: NotFoundError.
 */
export async function upsertWorkflow(db: Database, input: SaveWorkflowInput & { id: string }): Promise<WorkflowRow> {
  const [row] = await changing("workflows", () =>
    db
      .insert(workflows)
      .values({
        id: input.id,
        workspaceId: input.workspaceId,
        name: input.name,
        definition: input.definition,
        active: input.active ?? false,
        versionId: randomUUID(),
      })
      .onConflictDoUpdate({
        target: workflows.id,
        set: {
          name: sql`excluded.name`,
          definition: sql`excluded.definition`,
          ...(input.active === undefined ? {} : { active: sql`excluded.active` }),
          versionId: sql`excluded.version_id`,
          updatedAt: sql`now()`,
        },
        setWhere: eq(workflows.workspaceId, input.workspaceId),
      })
      .returning(),
  );
  if (!row) throw new NotFoundError("Workflow", input.id, { workspaceId: input.workspaceId });
  return row;
}

export async function getWorkflow(db: Database, workspaceId: string, workflowId: string): Promise<WorkflowRow | undefined> {
  const [row] = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.workspaceId, workspaceId), eq(workflows.id, workflowId)))
    .limit(1);
  return row;
}

/** Newest first. */
export async function listWorkflows(
  db: Database,
  workspaceId: string,
  options: { active?: boolean; limit?: number; offset?: number } = {},
): Promise<WorkflowRow[]> {
  return db
    .select()
    .from(workflows)
    .where(
      and(eq(workflows.workspaceId, workspaceId), options.active === undefined ? undefined : eq(workflows.active, options.active)),
    )
    .orderBy(desc(workflows.updatedAt), desc(workflows.id))
    .limit(options.limit ?? 100)
    .offset(options.offset ?? 0);
}

export async function setWorkflowActive(
  db: Database,
  workspaceId: string,
  workflowId: string,
  active: boolean,
): Promise<WorkflowRow> {
  const [row] = await changing("workflows", () =>
    db
      .update(workflows)
      .set({ active, updatedAt: sql`now()` })
      .where(and(eq(workflows.workspaceId, workspaceId), eq(workflows.id, workflowId)))
      .returning(),
  );
  if (!row) throw new NotFoundError("Workflow", workflowId, { workspaceId });
  if (!active) noteWorkflowRetired(workflowId);
  return row;
}

/** Returns whether a workflow was deleted. Its executions stay (they keep their snapshot); `workflow_id` becomes null. */
export async function deleteWorkflow(db: Database, workspaceId: string, workflowId: string): Promise<boolean> {
  const deleted = await changing("workflows", () =>
    db
      .delete(workflows)
      .where(and(eq(workflows.workspaceId, workspaceId), eq(workflows.id, workflowId)))
      .returning({ id: workflows.id }),
  );
  if (deleted.length > 0) noteWorkflowRetired(workflowId);
  return deleted.length > 0;
}

// ---------------------------------------------------------------------------------------------------------------------
// For the REST API: search with keyset pagination, and updates guarded by the version id
// ---------------------------------------------------------------------------------------------------------------------

export type WorkflowRowWithCursor = WorkflowRow & { cursorAt: string };

/** `%`, `_` and `\` in a search term match themselves. */
function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * Newest change first, filtered by a case-insensitive name search and `active`. `after` continues a page: the last
 * row's `cursorAt` (updated_at as exact text, microseconds kept) and id.
 */
export async function searchWorkflows(
  db: Database,
  workspaceId: string,
  options: { search?: string; active?: boolean; limit?: number; after?: { at: string; id: string } } = {},
): Promise<WorkflowRowWithCursor[]> {
  const after = options.after;
  return db
    .select({ ...getTableColumns(workflows), cursorAt: sql<string>`${workflows.updatedAt}::text` })
    .from(workflows)
    .where(
      and(
        eq(workflows.workspaceId, workspaceId),
        options.active === undefined ? undefined : eq(workflows.active, options.active),
        options.search ? ilike(workflows.name, likePattern(options.search)) : undefined,
        after ? sql`(${workflows.updatedAt}, ${workflows.id}) < (${after.at}::timestamptz, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(workflows.updatedAt), desc(workflows.id))
    .limit(options.limit ?? 50);
}

/**
 * Replaces the name and definition with a new version id, only if the stored version id is `expectedVersionId`
 * (optimistic concurrency; omit it to write unconditionally). Undefined when the workflow is not in the workspace or
 * its version id differs: tell the two apart with getWorkflow.
 */
export async function updateWorkflowIfVersion(
  db: Database,
  input: { workspaceId: string; id: string; name: string; definition: Record<string, unknown>; expectedVersionId?: string },
): Promise<WorkflowRow | undefined> {
  const [row] = await changing("workflows", () =>
    db
      .update(workflows)
      .set({ name: input.name, definition: input.definition, versionId: randomUUID(), updatedAt: sql`now()` })
      .where(
        and(
          eq(workflows.workspaceId, input.workspaceId),
          eq(workflows.id, input.id),
          input.expectedVersionId === undefined ? undefined : eq(workflows.versionId, input.expectedVersionId),
        ),
      )
      .returning(),
  );
  return row;
}
