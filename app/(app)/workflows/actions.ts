"use server";
/** Workflows page actions: import a JSON file (ours or an n8n export), import a template, activate / deactivate (lib/triggers/activation.ts). */
import { revalidatePath } from "next/cache";
import { importTemplateBodySchema, importTemplateHandler } from "@/lib/api/templates/handlers";
import { requireRole } from "@/lib/auth/roles";
import { listCredentials } from "@/lib/db/queries/credentials";
import { createWorkflow } from "@/lib/db/queries/workflows";
import { HetumindError, WorkflowValidationError } from "@/lib/errors";
import { formatImportReport, isN8nWorkflow, prepareImport } from "@/lib/n8n/import";
import { activateWorkflow, deactivateWorkflow } from "@/lib/triggers/activation";
import { actionError, type ActionState } from "@/lib/ui/action-error";
import { validate } from "@/lib/http/body";
import { requirePage } from "@/lib/ui/session";
import { parseJsonText } from "@/lib/workflow/parse-json";
import { validateWorkflow } from "@/lib/workflow/validate";
import { nodeRegistry } from "@/nodes";

const MAX_IMPORT_BYTES = 1024 * 1024;

export async function importWorkflowAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  try {
    requireRole(principal, "editor");
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) throw new HetumindError("bad_request", "Choose a workflow JSON file to import");
    if (file.size > MAX_IMPORT_BYTES) throw new HetumindError("payload_too_large", `The file is over ${MAX_IMPORT_BYTES} bytes`);
    const document = parseJsonText(await file.text());
    // An n8n export is mapped (lib/n8n) and its report shown; our own JSON imports as it is.
    const existing = isN8nWorkflow(document) ? await listCredentials(db, principal.workspaceId) : [];
    const { workflow, report } = prepareImport(document, nodeRegistry, existing);
    const result = validateWorkflow(workflow, nodeRegistry);
    if (!result.ok) throw new WorkflowValidationError(result.problems);
    const { id: _id, active: _active, versionId: _versionId, ...definition } = workflow as Record<string, unknown>;
    const name = result.workflow.name || file.name.replace(/\.json$/i, "") || "Imported workflow";
    const row = await createWorkflow(db, { workspaceId: principal.workspaceId, name, definition });
    revalidatePath("/workflows");
    const details = formatImportReport(report).map((line) => line.trim());
    return { ok: true, message: `Imported "${row.name}"`, ...(details.length > 0 ? { details } : {}) };
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
}

/** One-click template import: form fields `templateId` and `credential:<type>` (a credential id, or empty to fill later). */
export async function importTemplateAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  try {
    requireRole(principal, "editor");
    const credentials: Record<string, string> = {};
    for (const [key, value] of form.entries()) {
      if (key.startsWith("credential:") && typeof value === "string" && value !== "") credentials[key.slice("credential:".length)] = value;
    }
    const body = validate(importTemplateBodySchema, { templateId: String(form.get("templateId") ?? ""), credentials });
    const created = await importTemplateHandler(db, principal, body);
    revalidatePath("/workflows");
    const toFill = created.credentialsToFill as Array<{ type: string; nodes: string[] }>;
    return {
      ok: true,
      message: `Imported "${String(created.name)}"`,
      ...(toFill.length > 0 ? { details: toFill.map((need) => `credential to fill: ${need.type} (${need.nodes.join(", ")})`) } : {}),
    };
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
}

export async function setActiveAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  try {
    requireRole(principal, "editor");
    const workflowId = String(form.get("workflowId") ?? "");
    const active = form.get("active") === "true";
    if (active) await activateWorkflow(db, principal.workspaceId, workflowId);
    else await deactivateWorkflow(db, principal.workspaceId, workflowId);
    revalidatePath("/workflows");
    return { ok: true };
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
}
