"use server";
/**
 * Credentials page actions (editors and owners): create from a type's generated form, edit, test, delete. Secrets never
 * come back to the page: an edit form's secret fields start empty, and an empty secret field keeps the stored value.
 */
import { revalidatePath } from "next/cache";
import { requireRole } from "@/lib/auth/roles";
import { credentialType, requireCredentialType, testCredentialData } from "@/lib/credentials";
import { createCredential, deleteCredential, getCredentialData, updateCredential } from "@/lib/db/queries/credentials";
import { NotFoundError } from "@/lib/errors";
import { createLogger } from "@/lib/log";
import { type ActionError, actionError, type ActionState } from "@/lib/ui/action-error";
import { requirePage } from "@/lib/ui/session";

const log = createLogger({ component: "credentials-page" });

/** How long the page waits for a type's test (the API's limit too). */
const TEST_TIMEOUT_MS = 15_000;

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

export async function createCredentialAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  try {
    requireRole(principal, "editor");
    const type = text(form, "type");
    const definition = requireCredentialType(type);
    const data: Record<string, string> = {};
    for (const field of Object.keys(definition.fields.shape)) {
      const value = form.get(`field.${field}`);
      // An empty optional field takes the type's default.
      if (typeof value === "string" && value !== "") data[field] = value;
    }
    const created = await createCredential(db, { workspaceId: principal.workspaceId, name: text(form, "name"), type, data });
    log.info("credential created", { credentialId: created.id, type, userId: principal.userId, workspaceId: principal.workspaceId });
    revalidatePath("/credentials");
    return { ok: true, message: `Saved "${created.name}"` };
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
}

/**
 * An edit: the name, and each field of the type. An empty secret field keeps the stored secret; an empty plain field
 * is removed (its default applies, or validation says it is required); anything else replaces the value.
 */
export async function updateCredentialAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  try {
    requireRole(principal, "editor");
    const id = text(form, "id");
    const definition = requireCredentialType(text(form, "type"));
    const data: Record<string, string | null> = {};
    for (const field of Object.keys(definition.fields.shape)) {
      const value = form.get(`field.${field}`);
      if (typeof value !== "string") continue;
      if (value !== "") data[field] = value;
      else if (!definition.secretFields.includes(field)) data[field] = null;
    }
    const updated = await updateCredential(db, principal.workspaceId, id, { name: text(form, "name"), data });
    log.info("credential updated", { credentialId: id, fields: Object.keys(data), userId: principal.userId, workspaceId: principal.workspaceId });
    revalidatePath("/credentials");
    return { ok: true, message: `Saved "${updated.name}"` };
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
}

export async function deleteCredentialAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  try {
    requireRole(principal, "editor");
    const id = text(form, "id");
    if (!(await deleteCredential(db, principal.workspaceId, id))) throw new NotFoundError("Credential", id);
    log.info("credential deleted", { credentialId: id, userId: principal.userId, workspaceId: principal.workspaceId });
    revalidatePath("/credentials");
    return { ok: true };
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
}

/** What a test shows: its verdict (a message that never contains a secret), or why it could not run. */
export type CredentialTestState = { tested: boolean; ok: boolean; message: string } | { error: ActionError } | undefined;

/** Runs the type's declared test with the stored (decrypted) fields, server-side. */
export async function testCredentialAction(_previous: CredentialTestState, form: FormData): Promise<CredentialTestState> {
  const { principal, db } = await requirePage();
  try {
    requireRole(principal, "editor");
    const id = text(form, "id");
    const stored = await getCredentialData(db, principal.workspaceId, id);
    if (!stored) throw new NotFoundError("Credential", id);
    const definition = credentialType(stored.type);
    if (!definition?.test) return { tested: false, ok: false, message: `${definition?.displayName ?? stored.type} credentials have no test` };
    const result = await testCredentialData(stored.type, stored.data, { timeoutMs: TEST_TIMEOUT_MS });
    log.info("credential tested", { credentialId: id, ok: result.ok, userId: principal.userId, workspaceId: principal.workspaceId });
    return { tested: true, ok: result.ok, message: result.message };
  } catch (error) {
    return { error: actionError(error) };
  }
}
