"use server";
/**
 * Workspace settings actions. Everyone: create an API key (shown once) and revoke their own. Owners: invite (the link
 * is shown once), revoke invites, change roles, remove members, revoke any key. Each action checks the role itself
 * (the page only hides what a role cannot use); the rules are the API's (lib/api/workspace/routes.ts, docs/auth.md).
 */
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { publicOrigin } from "@/lib/api/workspace/routes";
import { createApiKeySchema, createInviteSchema, roleSchema } from "@/lib/api/workspace/schemas";
import { hasRole, requireRole } from "@/lib/auth/roles";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/db/queries/api-keys";
import { createInvite, deleteInvite } from "@/lib/db/queries/invites";
import { removeMembership, setMembershipRole } from "@/lib/db/queries/memberships";
import { NotFoundError } from "@/lib/errors";
import { validate } from "@/lib/http/body";
import { createLogger } from "@/lib/log";
import { actionError, type ActionState } from "@/lib/ui/action-error";
import { requirePage } from "@/lib/ui/session";

const log = createLogger({ component: "settings" });

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** Runs an action body; a thrown error becomes the inline error the form shows. */
async function attempt(work: () => Promise<string | undefined>): Promise<ActionState> {
  try {
    const message = await work();
    revalidatePath("/settings");
    return { ok: true, message };
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
}

/** The origin invite links point to: HETUMIND_PUBLIC_URL / AUTH_URL, else this request's host. */
async function requestOrigin(): Promise<string> {
  const requestHeaders = await headers();
  const protocol = requestHeaders.get("x-forwarded-proto") === "https" ? "https" : "http";
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host") ?? "localhost";
  return publicOrigin(new Request(`${protocol}://${host}/`));
}

// --- API keys ----------------------------------------------------------------------------------------------------------

/** The new key is the message: the form shows it once; only its hash is stored. */
export async function createApiKeyAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  return attempt(async () => {
    const { name } = validate(createApiKeySchema, { name: text(form, "name") }, "body");
    const { apiKey, key } = await createApiKey(db, { workspaceId: principal.workspaceId, userId: principal.userId, name });
    log.info("api key created", { apiKeyId: apiKey.id, prefix: apiKey.prefix, userId: principal.userId, workspaceId: principal.workspaceId });
    return key;
  });
}

/** Owners revoke any key of the workspace; others only their own (someone else's is "not found", as in the API). */
export async function revokeApiKeyAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  return attempt(async () => {
    const id = text(form, "id");
    if (!hasRole(principal.role, "owner")) {
      const own = await listApiKeys(db, principal.workspaceId, { userId: principal.userId });
      if (!own.some((key) => key.id === id)) throw new NotFoundError("API key", id);
    }
    if (!(await revokeApiKey(db, principal.workspaceId, id))) throw new NotFoundError("API key", id);
    log.info("api key revoked", { apiKeyId: id, userId: principal.userId, workspaceId: principal.workspaceId });
    return undefined;
  });
}

// --- invites (owner) ---------------------------------------------------------------------------------------------------

/** The one-time link is the message: the form shows it once, with a copy button. */
export async function inviteMemberAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  return attempt(async () => {
    requireRole(principal, "owner");
    const body = validate(createInviteSchema, { email: text(form, "email").trim(), role: text(form, "role") || undefined }, "body");
    const { invite, token } = await createInvite(db, { workspaceId: principal.workspaceId, email: body.email, role: body.role, invitedBy: principal.userId });
    log.info("invite created", { inviteId: invite.id, role: invite.role, userId: principal.userId, workspaceId: principal.workspaceId });
    return `${await requestOrigin()}/sign-up?invite=${encodeURIComponent(token)}`;
  });
}

export async function revokeInviteAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  return attempt(async () => {
    requireRole(principal, "owner");
    const id = text(form, "id");
    if (!(await deleteInvite(db, principal.workspaceId, id))) throw new NotFoundError("Invite", id);
    log.info("invite revoked", { inviteId: id, userId: principal.userId, workspaceId: principal.workspaceId });
    return undefined;
  });
}

// --- members (owner) ---------------------------------------------------------------------------------------------------

/** Demoting the last owner is refused (409 last_owner), shown inline. */
export async function changeRoleAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  return attempt(async () => {
    requireRole(principal, "owner");
    const userId = text(form, "userId");
    const role = validate(roleSchema, text(form, "role"), "body");
    await setMembershipRole(db, { workspaceId: principal.workspaceId, userId, role });
    log.info("member role changed", { memberId: userId, role, userId: principal.userId, workspaceId: principal.workspaceId });
    return `Role set to ${role}`;
  });
}

/** Removing the last owner is refused (409 last_owner). */
export async function removeMemberAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const { principal, db } = await requirePage();
  return attempt(async () => {
    requireRole(principal, "owner");
    const userId = text(form, "userId");
    await removeMembership(db, principal.workspaceId, userId);
    log.info("member removed", { memberId: userId, userId: principal.userId, workspaceId: principal.workspaceId });
    return undefined;
  });
}
