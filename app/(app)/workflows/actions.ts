"use server";
/** Workflows page actions: import a JSON file, activate / deactivate (lib/triggers/activation.ts). */
import { revalidatePath } from "next/cache";
import { requireRole } from "@/lib/auth/roles";
import { createWorkflow } from "@/lib/db/queries/workflows";
import { HetumindError, WorkflowValidationError } from "@/lib/errors";
import { activateWorkflow, deactivateWorkflow } from "@/lib/triggers/activation";
import { actionError, type ActionState } from "@/lib/ui/action-error";
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
    const result = validateWorkflow(document, nodeRegistry);
    if (!result.ok) throw new WorkflowValidationError(result.problems);
    const { id: _id, active: _active, ...definition } = document as Record<string, unknown>;
    const name = result.workflow.name || file.name.replace(/\.json$/i, "") || "Imported workflow";
    const row = await createWorkflow(db, { workspaceId: principal.workspaceId, name, definition });
    revalidatePath("/workflows");
    return { ok: true, message: `Imported "${row.name}"` };
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
