/**
 * One-time invitation links. `createInvite` returns the raw token once; only its SHA-256 is stored. Accepting marks the
 * invite used and adds the membership in one transaction; a used, expired or unknown token is an InviteInvalidError.
 */
import { randomUUID } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { InviteInvalidError } from "../../auth/errors";
import { randomToken, sha256Hex } from "../../auth/tokens";
import type { Database } from "../client";
import { type Invite, invites, type Membership, memberships, type Role } from "../schema-platform";
import { getMembership } from "./memberships";
import { normalizeEmail } from "./users";

export const DEFAULT_INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** An invite as listed: without its token hash. */
export type InviteSummary = Omit<Invite, "tokenHash">;

function summary(invite: Invite): InviteSummary {
  const { tokenHash: _tokenHash, ...rest } = invite;
  return rest;
}

export async function createInvite(
  db: Database,
  input: { workspaceId: string; email: string; role: Role; invitedBy?: string; ttlMs?: number },
): Promise<{ invite: InviteSummary; token: string }> {
  const token = randomToken(32);
  const ttlMs = input.ttlMs ?? DEFAULT_INVITE_TTL_MS;
  const [row] = await db
    .insert(invites)
    .values({
      id: randomUUID(),
      workspaceId: input.workspaceId,
      email: normalizeEmail(input.email),
      role: input.role,
      tokenHash: sha256Hex(token),
      invitedBy: input.invitedBy ?? null,
      expiresAt: sql`now() + ${`${Math.max(0, Math.round(ttlMs))} milliseconds`}::interval`,
    })
    .returning();
  return { invite: summary(row), token };
}

/** Pending (not accepted) invites of a workspace, newest first; expired ones included (their `expiresAt` says so). */
export async function listInvites(db: Database, workspaceId: string): Promise<InviteSummary[]> {
  const rows = await db
    .select()
    .from(invites)
    .where(and(eq(invites.workspaceId, workspaceId), isNull(invites.acceptedAt)))
    .orderBy(desc(invites.createdAt));
  return rows.map(summary);
}

export async function deleteInvite(db: Database, workspaceId: string, inviteId: string): Promise<boolean> {
  const rows = await db
    .delete(invites)
    .where(and(eq(invites.workspaceId, workspaceId), eq(invites.id, inviteId)))
    .returning({ id: invites.id });
  return rows.length > 0;
}

/** The invite a token names, if it can still be accepted (for showing "join workspace X" before sign-up). */
export async function findUsableInvite(db: Database, token: string): Promise<InviteSummary | undefined> {
  const [row] = await db
    .select()
    .from(invites)
    .where(and(eq(invites.tokenHash, sha256Hex(token)), isNull(invites.acceptedAt), sql`${invites.expiresAt} > now()`))
    .limit(1);
  return row ? summary(row) : undefined;
}

/**
 * Accepts an invite for `userId`: once, before it expires, and only for the address it was sent to (unless
 * `anyEmail`). Adds the membership with the invite's role (an existing membership keeps its role).
 */
export async function acceptInvite(
  db: Database,
  input: { token: string; userId: string; email: string; anyEmail?: boolean },
): Promise<{ invite: InviteSummary; membership: Membership }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ invite: invites, expired: sql<boolean>`${invites.expiresAt} <= now()` })
      .from(invites)
      .where(eq(invites.tokenHash, sha256Hex(input.token)))
      .for("update")
      .limit(1);
    if (!row) throw new InviteInvalidError("unknown", "This invitation link is not valid");
    if (row.invite.acceptedAt) throw new InviteInvalidError("accepted", "This invitation link has been used already");
    if (row.expired) throw new InviteInvalidError("expired", "This invitation link has expired: ask for a new one");
    if (!input.anyEmail && normalizeEmail(input.email) !== row.invite.email) {
      throw new InviteInvalidError("email_mismatch", "This invitation was sent to another email address");
    }
    const [accepted] = await tx.update(invites).set({ acceptedAt: sql`now()` }).where(eq(invites.id, row.invite.id)).returning();
    const existing = await getMembership(tx, row.invite.workspaceId, input.userId);
    const membership =
      existing ??
      (await tx.insert(memberships).values({ workspaceId: row.invite.workspaceId, userId: input.userId, role: row.invite.role }).returning())[0];
    return { invite: summary(accepted), membership };
  });
}
