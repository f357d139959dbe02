/**
 * Sign-up. The first account on an instance (no users yet) becomes the owner of the `default` workspace that the
 * migrations create — the one the CLI and local mode use — renamed if a workspace name is given (a new workspace if
 * `default` was deleted). Later accounts join by invite token, or else get a workspace of their own.
 * A transaction-scoped advisory lock makes "first" exact when two sign-ups race.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { acceptInvite } from "../db/queries/invites";
import { addMembership } from "../db/queries/memberships";
import { countUsers, createUser, type PublicUser, toPublicUser } from "../db/queries/users";
import { createWorkspace, getWorkspace } from "../db/queries/workspaces";
import { DEFAULT_WORKSPACE_ID, workspaces } from "../db/schema";
import type { Role } from "../db/schema-platform";
import { hashPassword } from "./password";
import { eq } from "drizzle-orm";

export interface SignUpInput {
  email: string;
  /** null: an account without a password (OAuth only). */
  password: string | null;
  name?: string | null;
  /** The name of the workspace the new user will own (ignored when joining by invite). */
  workspaceName?: string;
  /** Join the inviting workspace instead of getting a new one. */
  inviteToken?: string;
}

export interface SignUpResult {
  user: PublicUser;
  workspaceId: string;
  role: Role;
  /** Whether this was the instance's first account (owner of the default workspace). */
  firstUser: boolean;
}

const FIRST_USER_LOCK = 0x4865_7475; // "Hetu"

function defaultWorkspaceName(email: string, name?: string | null): string {
  return `${name?.trim() || email.split("@")[0]}'s workspace`;
}

export async function signUp(db: Database, input: SignUpInput): Promise<SignUpResult> {
  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_USER_LOCK})`);
    const firstUser = (await countUsers(tx)) === 0;
    const user = await createUser(tx, { email: input.email, name: input.name, passwordHash });
    if (input.inviteToken) {
      const { membership } = await acceptInvite(tx, { token: input.inviteToken, userId: user.id, email: user.email });
      return { user: toPublicUser(user), workspaceId: membership.workspaceId, role: membership.role, firstUser };
    }
    let workspaceId: string;
    if (firstUser && (await getWorkspace(tx, DEFAULT_WORKSPACE_ID))) {
      workspaceId = DEFAULT_WORKSPACE_ID;
      if (input.workspaceName) await tx.update(workspaces).set({ name: input.workspaceName }).where(eq(workspaces.id, workspaceId));
    } else {
      workspaceId = (await createWorkspace(tx, { name: input.workspaceName || defaultWorkspaceName(user.email, input.name) })).id;
    }
    await addMembership(tx, { workspaceId, userId: user.id, role: "owner" });
    return { user: toPublicUser(user), workspaceId, role: "owner" as const, firstUser };
  });
}
