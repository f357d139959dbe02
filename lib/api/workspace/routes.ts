/**
 * Workspace settings: the current workspace, members (owner manages; anyone reads), invites (owner), invite
 * acceptance (any signed-in user with the token), API keys (everyone their own; owners every key) and switching the
 * session's workspace. `workspaceRoutes()` builds the handlers (tests pass `database`); app/ route files export them.
 */
import { ForbiddenError } from "@/lib/auth/errors";
import { resolveWorkspaceSwitch } from "@/lib/auth/authenticate";
import { hasRole } from "@/lib/auth/roles";
import { createSessionToken, sessionMaxAgeSeconds } from "@/lib/auth/session";
import type { Database } from "@/lib/db/client";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/db/queries/api-keys";
import { acceptInvite, createInvite, deleteInvite, listInvites } from "@/lib/db/queries/invites";
import { listMembers, listUserWorkspaces, removeMembership, setMembershipRole } from "@/lib/db/queries/memberships";
import { getUserById } from "@/lib/db/queries/users";
import { getWorkspace } from "@/lib/db/queries/workspaces";
import { NotFoundError } from "@/lib/errors";
import { parseJsonBody, parsePathParams } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import type { Logger } from "@/lib/log";
import {
  acceptInviteSchema,
  createApiKeySchema,
  createInviteSchema,
  idParamsSchema,
  switchWorkspaceSchema,
  updateMemberSchema,
  userParamsSchema,
} from "./schemas";

export interface WorkspaceRouteOptions {
  database?: () => Promise<Database>;
  logger?: Logger;
  /** The session secret for the cookie `switch` issues (tests); default lib/auth/session-secret.ts. */
  sessionSecret?: string;
}

const SMALL_BODY = { maxBytes: 16 * 1024 };

/** Where invite links point: `HETUMIND_PUBLIC_URL`, else `AUTH_URL`, else the request's own origin. */
export function publicOrigin(request: Request): string {
  const configured = process.env.HETUMIND_PUBLIC_URL ?? process.env.AUTH_URL;
  if (configured) {
    try {
      return new URL(configured).origin;
    } catch {
      // fall through to the request's origin
    }
  }
  return new URL(request.url).origin;
}

function isSecure(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

export function workspaceRoutes(options: WorkspaceRouteOptions = {}) {
  const base = { database: options.database, logger: options.logger };

  const current = route({ ...base, auth: "viewer" }, async ({ db, principal }) => {
    const workspace = await getWorkspace(db, principal.workspaceId);
    const workspaces = principal.via === "session" ? await listUserWorkspaces(db, principal.userId) : [];
    return {
      workspaceId: principal.workspaceId,
      name: workspace?.name ?? principal.workspaceId,
      role: principal.role,
      via: principal.via,
      workspaces: principal.via === "session" ? workspaces : [{ workspaceId: principal.workspaceId, name: workspace?.name ?? principal.workspaceId, role: principal.role }],
    };
  });

  // --- members -------------------------------------------------------------------------------------------------------

  const listMembersRoute = route({ ...base, auth: "viewer" }, async ({ db, principal }) => ({ data: await listMembers(db, principal.workspaceId) }));

  const updateMember = route<{ userId: string }, "owner">({ ...base, auth: "owner" }, async ({ request, params, db, principal, logger }) => {
    const { userId } = parsePathParams(userParamsSchema, params, "Member");
    const body = await parseJsonBody(request, updateMemberSchema, SMALL_BODY);
    await setMembershipRole(db, { workspaceId: principal.workspaceId, userId, role: body.role });
    logger.info("member role changed", { memberId: userId, role: body.role, userId: principal.userId });
    const member = (await listMembers(db, principal.workspaceId)).find((entry) => entry.userId === userId);
    if (!member) throw new NotFoundError("Member", userId);
    return member;
  });

  const removeMember = route<{ userId: string }, "owner">({ ...base, auth: "owner" }, async ({ params, db, principal, logger }) => {
    const { userId } = parsePathParams(userParamsSchema, params, "Member");
    await removeMembership(db, principal.workspaceId, userId);
    logger.info("member removed", { memberId: userId, userId: principal.userId });
    return new Response(null, { status: 204 });
  });

  // --- invites -------------------------------------------------------------------------------------------------------

  const listInvitesRoute = route({ ...base, auth: "owner" }, async ({ db, principal }) => ({ data: await listInvites(db, principal.workspaceId) }));

  const createInviteRoute = route({ ...base, auth: "owner" }, async ({ request, db, principal, logger }) => {
    const body = await parseJsonBody(request, createInviteSchema, SMALL_BODY);
    const { invite, token } = await createInvite(db, {
      workspaceId: principal.workspaceId,
      email: body.email,
      role: body.role,
      invitedBy: principal.userId,
      ttlMs: body.expiresInHours === undefined ? undefined : body.expiresInHours * 60 * 60 * 1000,
    });
    logger.info("invite created", { inviteId: invite.id, role: invite.role, userId: principal.userId });
    const url = `${publicOrigin(request)}/sign-up?invite=${encodeURIComponent(token)}`;
    return Response.json({ invite, token, url }, { status: 201, headers: { "cache-control": "no-store" } });
  });

  const deleteInviteRoute = route<{ id: string }, "owner">({ ...base, auth: "owner" }, async ({ params, db, principal }) => {
    const { id } = parsePathParams(idParamsSchema, params, "Invite");
    if (!(await deleteInvite(db, principal.workspaceId, id))) throw new NotFoundError("Invite", id);
    return new Response(null, { status: 204 });
  });

  /** Any signed-in user: joins the invite's workspace (the invited address only). Does not switch to it. */
  const acceptInviteRoute = route({ ...base, auth: "viewer" }, async ({ request, db, principal, logger }) => {
    const body = await parseJsonBody(request, acceptInviteSchema, SMALL_BODY);
    const user = await getUserById(db, principal.userId);
    if (!user) throw new NotFoundError("User", principal.userId);
    const { membership } = await acceptInvite(db, { token: body.token, userId: user.id, email: user.email });
    logger.info("invite accepted", { joinedWorkspaceId: membership.workspaceId, userId: user.id });
    return { workspaceId: membership.workspaceId, role: membership.role };
  });

  // --- API keys ------------------------------------------------------------------------------------------------------

  /** Owners see every key of the workspace; others their own. Never the key itself. */
  const listApiKeysRoute = route({ ...base, auth: "viewer" }, async ({ db, principal }) => ({
    data: await listApiKeys(db, principal.workspaceId, hasRole(principal.role, "owner") ? {} : { userId: principal.userId }),
  }));

  const createApiKeyRoute = route({ ...base, auth: "viewer" }, async ({ request, db, principal, logger }) => {
    const body = await parseJsonBody(request, createApiKeySchema, SMALL_BODY);
    const { apiKey, key } = await createApiKey(db, { workspaceId: principal.workspaceId, userId: principal.userId, name: body.name });
    logger.info("api key created", { apiKeyId: apiKey.id, prefix: apiKey.prefix, userId: principal.userId });
    return Response.json({ apiKey, key }, { status: 201, headers: { "cache-control": "no-store" } });
  });

  /** Revokes a key: owners any key of the workspace, others only their own (someone else's is 404). */
  const revokeApiKeyRoute = route<{ id: string }, "viewer">({ ...base, auth: "viewer" }, async ({ params, db, principal, logger }) => {
    const { id } = parsePathParams(idParamsSchema, params, "API key");
    if (!hasRole(principal.role, "owner")) {
      const own = await listApiKeys(db, principal.workspaceId, { userId: principal.userId });
      if (!own.some((key) => key.id === id)) throw new NotFoundError("API key", id);
    }
    if (!(await revokeApiKey(db, principal.workspaceId, id))) throw new NotFoundError("API key", id);
    logger.info("api key revoked", { apiKeyId: id, userId: principal.userId });
    return new Response(null, { status: 204 });
  });

  // --- switch --------------------------------------------------------------------------------------------------------

  /** Session users only: re-issues the session cookie with another workspace the user belongs to (else 404). */
  const switchWorkspace = route({ ...base, auth: "viewer" }, async ({ request, db, principal, logger }) => {
    if (principal.via !== "session") {
      throw new ForbiddenError("An API key is scoped to one workspace: create a key in the other workspace instead", { workspaceId: principal.workspaceId });
    }
    const body = await parseJsonBody(request, switchWorkspaceSchema, SMALL_BODY);
    const target = await resolveWorkspaceSwitch(db, principal.userId, body.workspaceId);
    const secure = isSecure(request);
    const maxAge = sessionMaxAgeSeconds();
    const cookie = await createSessionToken({ userId: principal.userId, workspaceId: target.workspaceId }, { secure, maxAgeSeconds: maxAge, secret: options.sessionSecret });
    const headers = new Headers({ "cache-control": "no-store" });
    headers.append("set-cookie", `${cookie.name}=${cookie.value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`);
    logger.info("workspace switched", { userId: principal.userId, toWorkspaceId: target.workspaceId });
    const workspace = await getWorkspace(db, target.workspaceId);
    return Response.json({ workspaceId: target.workspaceId, name: workspace?.name ?? target.workspaceId, role: target.role }, { headers });
  });

  return {
    current,
    listMembers: listMembersRoute,
    updateMember,
    removeMember,
    listInvites: listInvitesRoute,
    createInvite: createInviteRoute,
    deleteInvite: deleteInviteRoute,
    acceptInvite: acceptInviteRoute,
    listApiKeys: listApiKeysRoute,
    createApiKey: createApiKeyRoute,
    revokeApiKey: revokeApiKeyRoute,
    switchWorkspace,
  };
}
