/**
 * Who is calling: `Authorization: Bearer hm_...` (an API key, scoped to its workspace) or the session cookie (the
 * user's current workspace). The role always comes from the membership as it is now.
 */
import type { Database } from "../db/client";
import { authenticateApiKey } from "../db/queries/api-keys";
import { getMembership, listUserWorkspaces } from "../db/queries/memberships";
import type { Role } from "../db/schema-platform";
import { NotFoundError } from "../errors";
import { UnauthenticatedError } from "./errors";
import { readSession } from "./session";

export interface Principal {
  userId: string;
  workspaceId: string;
  role: Role;
  via: "apiKey" | "session";
  /** The key used, when `via` is "apiKey". */
  apiKeyId?: string;
}

export interface AuthenticateOptions {
  /** The session secret (default: lib/auth/session-secret.ts). */
  sessionSecret?: string;
}

/**
 * The principal of a request, or undefined when it carries neither a valid key nor a valid session. A Bearer header
 * that is not a valid key is not rescued by a cookie: it is undefined (the client meant the key).
 */
export async function authenticateRequest(request: Request, db: Database, options: AuthenticateOptions = {}): Promise<Principal | undefined> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return undefined;
    const principal = await authenticateApiKey(db, match[1]);
    return principal && { userId: principal.userId, workspaceId: principal.workspaceId, role: principal.role, via: "apiKey", apiKeyId: principal.apiKeyId };
  }
  const session = await readSession(request, options.sessionSecret);
  if (!session) return undefined;
  const membership = await getMembership(db, session.workspaceId, session.userId);
  if (membership) return { userId: session.userId, workspaceId: membership.workspaceId, role: membership.role, via: "session" };
  // Removed from the session's workspace since: fall back to the first workspace the user still belongs to.
  const [first] = await listUserWorkspaces(db, session.userId);
  return first && { userId: session.userId, workspaceId: first.workspaceId, role: first.role, via: "session" };
}

/** authenticateRequest, or UnauthenticatedError (401). */
export async function requirePrincipal(request: Request, db: Database, options: AuthenticateOptions = {}): Promise<Principal> {
  const principal = await authenticateRequest(request, db, options);
  if (!principal) throw new UnauthenticatedError();
  return principal;
}

/**
 * Checks that the user may switch to `workspaceId` (is a member). Not a member is NotFoundError: another workspace's id
 * looks exactly like an unknown one.
 */
export async function resolveWorkspaceSwitch(db: Database, userId: string, workspaceId: string): Promise<{ workspaceId: string; role: Role }> {
  const membership = await getMembership(db, workspaceId, userId);
  if (!membership) throw new NotFoundError("Workspace", workspaceId);
  return { workspaceId, role: membership.role };
}
