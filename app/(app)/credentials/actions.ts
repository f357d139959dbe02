"use server";
/** Credentials page actions: create from a type's generated form, delete. Secrets never come back to the page. */
import { revalidatePath } from "next/cache";
import { requireRole } from "@/lib/auth/roles";
import { requireCredentialType } from "@/lib/credentials";
import { createCredential, deleteCredential } from "@/lib/db/queries/credentials";
import { actionError, type ActionState } from "@/lib/ui/action-error";
import { requirePage } from "@/lib/ui/session";

export async function createCredentialAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  try {
    requireRole(principal, "editor");
    const type = String(form.get("type") ?? "");
    const definition = requireCredentialType(type);
    const data: Record<string, string> = {};
    for (const field of Object.keys(definition.fields.shape)) {
      const value = form.get(`field.${field}`);
      // An empty optional field takes the type's default.
      if (typeof value === "string" && value !== "") data[field] = value;
    }
    const created = await createCredential(db, { workspaceId: principal.workspaceId, name: String(form.get("name") ?? ""), type, data });
    revalidatePath("/credentials");
    return { ok: true, message: `Saved "${created.name}"` };
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
}

export async function deleteCredentialAction(form: FormData): Promise<void> {
  const { principal, db } = await requirePage();
  requireRole(principal, "editor");
  await deleteCredential(db, principal.workspaceId, String(form.get("id") ?? ""));
  revalidatePath("/credentials");
}
