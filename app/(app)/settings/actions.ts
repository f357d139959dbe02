"use server";
/** Workspace settings actions: create an API key (shown once), revoke one (your own; an owner any). */
import { revalidatePath } from "next/cache";
import { ForbiddenError } from "@/lib/auth/errors";
import { hasRole } from "@/lib/auth/roles";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/db/queries/api-keys";
import { HetumindError } from "@/lib/errors";
import { actionError, type ActionState } from "@/lib/ui/action-error";
import { requirePage } from "@/lib/ui/session";

export async function createApiKeyAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  try {
    const name = String(form.get("name") ?? "").trim();
    if (name === "" || name.length > 100) throw new HetumindError("bad_request", "A key needs a name of at most 100 characters");
    const { key } = await createApiKey(db, { workspaceId: principal.workspaceId, userId: principal.userId, name });
    revalidatePath("/settings");
    return { ok: true, message: key };
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
}

export async function revokeApiKeyAction(form: FormData): Promise<void> {
  const { principal, db } = await requirePage();
  const id = String(form.get("id") ?? "");
  if (!hasRole(principal.role, "owner")) {
    const own = await listApiKeys(db, principal.workspaceId, { userId: principal.userId });
    if (!own.some((key) => key.id === id)) throw new ForbiddenError("Only an owner may revoke another member's key");
  }
  await revokeApiKey(db, principal.workspaceId, id);
  revalidatePath("/settings");
}
