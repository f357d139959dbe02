/**
 * What the workflow routes do, given an authorized principal. Every query is scoped to `principal.workspaceId`:
 * another workspace's id is the same NotFoundError as an unknown one.
 */
import type { Principal } from "@/lib/auth/authenticate";
import type { Database } from "@/lib/db/client";
import { getWorkflowVersion, insertWorkflowVersion, listWorkflowVersions } from "@/lib/db/queries/workflow-versions";
import { listCredentials } from "@/lib/db/queries/credentials";
import { createWorkflow, deleteWorkflow, getWorkflow, searchWorkflows, updateWorkflowIfVersion } from "@/lib/db/queries/workflows";
import type { WorkflowRow } from "@/lib/db/schema";
import type { WorkflowVersion } from "@/lib/db/schema-platform";
import { HetumindError, NotFoundError, WorkflowValidationError } from "@/lib/errors";
import type { RequestProblem } from "@/lib/http/errors";
import { isN8nWorkflow, prepareImport } from "@/lib/n8n/import";
import { activateWorkflow, deactivateWorkflow, workflowDocument } from "@/lib/triggers/activation";
import { validateWorkflow } from "@/lib/workflow/validate";
import { nodeRegistry } from "@/nodes";
import { apiEngine, outcomeBody } from "../executions/engine";
import { decodeCursor, pageOf } from "./pagination";

// ---------------------------------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------------------------------

/** Keys that live in columns (or nowhere), never in the stored definition. */
const COLUMN_KEYS = new Set(["id", "name", "active", "versionId"]);

function definitionOf(document: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(document).filter(([key, value]) => !COLUMN_KEYS.has(key) && value !== undefined));
}

export function workflowBody(row: WorkflowRow): Record<string, unknown> {
  const definition = definitionOf(row.definition);
  return {
    id: row.id,
    name: row.name,
    active: row.active,
    versionId: row.versionId,
    nodes: [],
    connections: {},
    settings: {},
    ...definition,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function summaryBody(row: WorkflowRow): Record<string, unknown> {
  const nodes = row.definition.nodes;
  return {
    id: row.id,
    name: row.name,
    active: row.active,
    versionId: row.versionId,
    nodeCount: Array.isArray(nodes) ? nodes.length : 0,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function versionSummaryBody(version: WorkflowVersion): Record<string, unknown> {
  return { workflowId: version.workflowId, versionId: version.versionId, name: version.name, createdBy: version.createdBy, createdAt: version.createdAt.toISOString() };
}

function versionBody(version: WorkflowVersion): Record<string, unknown> {
  return { ...versionSummaryBody(version), nodes: [], connections: {}, settings: {}, ...definitionOf(version.definition) };
}

/** n8n's export shape: what POST /import takes back. */
export function exportBody(row: WorkflowRow): Record<string, unknown> {
  const { createdAt: _createdAt, updatedAt: _updatedAt, ...rest } = workflowBody(row);
  return rest;
}

// ---------------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------------

/** Another save came first: the client's `versionId` is not the stored one. HTTP 409. */
export class VersionConflictError extends HetumindError {
  constructor(workflowId: string, expected: string, current: string) {
    super("version_conflict", `Workflow ${workflowId} changed since version ${expected} (it is now at ${current}): read it again and reapply your change`, {
      workflowId,
      expectedVersionId: expected,
      currentVersionId: current,
    });
  }
}

/**
 * The workflow cannot be activated as it is (no Webhook/Schedule/Error trigger, or a trigger parameter holds an
 * expression): a 422 whose one problem carries the activation error's code.
 */
export class ActivationRefusedError extends HetumindError {
  readonly problems: RequestProblem[];
  constructor(cause: HetumindError) {
    super("validation_failed", cause.message, cause.fields, { cause });
    this.problems = [{ path: typeof cause.fields.node === "string" ? `nodes[${JSON.stringify(cause.fields.node)}]` : "", message: cause.message, code: cause.code }];
  }
}

const ACTIVATION_CODES = new Set(["no_activatable_trigger", "trigger_parameters_dynamic"]);

async function activating<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (HetumindError.isInstance(error) && ACTIVATION_CODES.has(error.code)) throw new ActivationRefusedError(error);
    throw error;
  }
}

function notFound(principal: Principal, workflowId: string): NotFoundError {
  return new NotFoundError("Workflow", workflowId, { workspaceId: principal.workspaceId });
}

// ---------------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------------

/**
 * Validates a workflow document with the node registry: WorkflowValidationError (422) listing every problem, plus
 * `extra` problems (e.g. a missing versionId) in the same answer.
 */
export function validatedDefinition(document: unknown, extra: Array<{ path: string; message: string; code: string }> = []): { name: string; definition: Record<string, unknown> } {
  const result = validateWorkflow(document, nodeRegistry);
  const problems = [...extra, ...(result.ok ? [] : result.problems)];
  if (problems.length > 0 || !result.ok) throw new WorkflowValidationError(problems);
  const workflow = result.workflow as unknown as Record<string, unknown>;
  return { name: result.workflow.name, definition: definitionOf(workflow) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------------------------------

export async function listWorkflowsHandler(
  db: Database,
  principal: Principal,
  query: { search?: string; active?: "true" | "false"; limit: number; cursor?: string },
): Promise<{ data: unknown[]; nextCursor: string | null }> {
  const rows = await searchWorkflows(db, principal.workspaceId, {
    search: query.search?.trim() || undefined,
    active: query.active === undefined ? undefined : query.active === "true",
    limit: query.limit + 1,
    after: decodeCursor(query.cursor),
  });
  return pageOf(rows, query.limit, (row) => row.id, summaryBody);
}

export async function createWorkflowHandler(db: Database, principal: Principal, document: unknown): Promise<Record<string, unknown>> {
  const { name, definition } = validatedDefinition(document);
  const row = await db.transaction(async (tx) => {
    const created = await createWorkflow(tx, { workspaceId: principal.workspaceId, name, definition });
    await insertWorkflowVersion(tx, { workflowId: created.id, versionId: created.versionId, workspaceId: principal.workspaceId, name, definition, createdBy: principal.userId });
    return created;
  });
  return workflowBody(row);
}

export async function getWorkflowHandler(db: Database, principal: Principal, workflowId: string): Promise<Record<string, unknown>> {
  const row = await getWorkflow(db, principal.workspaceId, workflowId);
  if (!row) throw notFound(principal, workflowId);
  return workflowBody(row);
}

/**
 * Saves a new name and definition with a new version id (and a version row). `expectedVersionId` undefined writes
 * unconditionally (restore). An active workflow's triggers are re-read in the same transaction: a webhook path clash
 * is 409 and nothing is saved.
 */
async function saveWorkflow(
  db: Database,
  principal: Principal,
  workflowId: string,
  save: { name: string; definition: Record<string, unknown>; expectedVersionId?: string },
): Promise<WorkflowRow> {
  return activating(() =>
    db.transaction(async (tx) => {
      const updated = await updateWorkflowIfVersion(tx, { workspaceId: principal.workspaceId, id: workflowId, ...save });
      if (!updated) {
        const current = await getWorkflow(tx, principal.workspaceId, workflowId);
        if (!current) throw notFound(principal, workflowId);
        throw new VersionConflictError(workflowId, save.expectedVersionId ?? "", current.versionId);
      }
      await insertWorkflowVersion(tx, {
        workflowId,
        versionId: updated.versionId,
        workspaceId: principal.workspaceId,
        name: save.name,
        definition: save.definition,
        createdBy: principal.userId,
      });
      return updated.active ? activateWorkflow(tx, principal.workspaceId, workflowId) : updated;
    }),
  );
}

export async function updateWorkflowHandler(db: Database, principal: Principal, workflowId: string, body: unknown): Promise<Record<string, unknown>> {
  const versionId = body !== null && typeof body === "object" ? (body as Record<string, unknown>).versionId : undefined;
  const extra =
    typeof versionId === "string" && versionId !== ""
      ? []
      : [{ path: "versionId", message: "the versionId the workflow was read at is required (a string)", code: "schema" }];
  // An unknown id is 404 before its body is judged.
  if (!(await getWorkflow(db, principal.workspaceId, workflowId))) throw notFound(principal, workflowId);
  const { name, definition } = validatedDefinition(body, extra);
  return workflowBody(await saveWorkflow(db, principal, workflowId, { name, definition, expectedVersionId: versionId as string }));
}

/** Deletes the workflow with its versions, webhook routes and schedules; its executions stay (workflowId null). */
export async function deleteWorkflowHandler(db: Database, principal: Principal, workflowId: string): Promise<void> {
  if (!(await deleteWorkflow(db, principal.workspaceId, workflowId))) throw notFound(principal, workflowId);
}

export async function activateWorkflowHandler(db: Database, principal: Principal, workflowId: string): Promise<Record<string, unknown>> {
  return workflowBody(await activating(() => activateWorkflow(db, principal.workspaceId, workflowId)));
}

export async function deactivateWorkflowHandler(db: Database, principal: Principal, workflowId: string): Promise<Record<string, unknown>> {
  if (!(await getWorkflow(db, principal.workspaceId, workflowId))) throw notFound(principal, workflowId);
  return workflowBody(await deactivateWorkflow(db, principal.workspaceId, workflowId));
}

// ---------------------------------------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------------------------------------

export async function listVersionsHandler(
  db: Database,
  principal: Principal,
  workflowId: string,
  query: { limit: number; cursor?: string },
): Promise<{ data: unknown[]; nextCursor: string | null }> {
  if (!(await getWorkflow(db, principal.workspaceId, workflowId))) throw notFound(principal, workflowId);
  const rows = await listWorkflowVersions(db, principal.workspaceId, workflowId, { limit: query.limit + 1, after: decodeCursor(query.cursor) });
  return pageOf(rows, query.limit, (row) => row.versionId, versionSummaryBody);
}

async function requireVersion(db: Database, principal: Principal, workflowId: string, versionId: string): Promise<WorkflowVersion> {
  if (!(await getWorkflow(db, principal.workspaceId, workflowId))) throw notFound(principal, workflowId);
  const version = await getWorkflowVersion(db, principal.workspaceId, workflowId, versionId);
  if (!version) throw new NotFoundError("Version", versionId, { workspaceId: principal.workspaceId, workflowId });
  return version;
}

export async function getVersionHandler(db: Database, principal: Principal, workflowId: string, versionId: string): Promise<Record<string, unknown>> {
  return versionBody(await requireVersion(db, principal, workflowId, versionId));
}

/** Makes an old version current again, as a new save (new version id, new version row). */
export async function restoreVersionHandler(db: Database, principal: Principal, workflowId: string, versionId: string): Promise<Record<string, unknown>> {
  const version = await requireVersion(db, principal, workflowId, versionId);
  return workflowBody(await saveWorkflow(db, principal, workflowId, { name: version.name, definition: version.definition }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Import, export, run
// ---------------------------------------------------------------------------------------------------------------------

/**
 * Imports a workflow as a new, inactive workflow with a new id (an id from the file could name another workspace's
 * workflow). An n8n export is mapped first (lib/n8n; credentials named like one of the workspace's are linked); the body
 * carries the import report. Validated like a create.
 */
export async function importWorkflowHandler(db: Database, principal: Principal, document: unknown): Promise<Record<string, unknown>> {
  const existing = isN8nWorkflow(document) ? await listCredentials(db, principal.workspaceId) : [];
  const { workflow, report } = prepareImport(document, nodeRegistry, existing);
  return { ...(await createWorkflowHandler(db, principal, workflow)), importReport: report };
}

export async function exportWorkflowHandler(db: Database, principal: Principal, workflowId: string): Promise<Record<string, unknown>> {
  const row = await getWorkflow(db, principal.workspaceId, workflowId);
  if (!row) throw notFound(principal, workflowId);
  return exportBody(row);
}

/**
 * A manual run of the saved workflow with `input`. `wait` false: queued for a worker, `{ executionId, status: "queued" }`
 * (202). `wait` true: run in this process to the end or the first pause, the outcome (200).
 */
export async function runWorkflowHandler(
  db: Database,
  principal: Principal,
  workflowId: string,
  options: { input?: unknown; wait: boolean },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const row = await getWorkflow(db, principal.workspaceId, workflowId);
  if (!row) throw notFound(principal, workflowId);
  const engine = await apiEngine();
  const request = { workflow: workflowDocument(row), workflowId: row.id, workspaceId: principal.workspaceId, input: options.input, mode: "manual" as const };
  if (options.wait) return { status: 200, body: outcomeBody(await engine.startAndRun(request)) };
  const execution = await engine.start({ ...request, queue: true });
  return { status: 202, body: { executionId: execution.id, status: "queued" } };
}
