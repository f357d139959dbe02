/**
 * Who belongs to which workspace, with which role. A workspace never loses its last owner: demoting or removing the
 * last owner is a LastOwnerError. The owner count is read with the rows locked (FOR UPDATE), so two concurrent
 * demotions cannot both pass on Postgres.
 */
import { and, asc, eq } from "drizzle-orm";
import { ConflictError, LastOwnerError } from "../../auth/errors";
import { NotFoundError } from "../../errors";
import type { Database } from "../client";
import { type Membership, memberships, type Role, users } from "../schema-platform";
import { workspaces } from "../schema";

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: Date;
}

export interface UserWorkspace {
  workspaceId: string;
  name: string;
  role: Role;
}

export async function addMembership(db: Database, input: { workspaceId: string; userId: string; role: Role }): Promise<Membership> {
  const [row] = await db.insert(memberships).values(input).onConflictDoNothing().returning();
  if (!row) throw new ConflictError(`The user is a member of workspace ${input.workspaceId} already`, { workspaceId: input.workspaceId });
  return row;
}

export async function getMembership(db: Database, workspaceId: string, userId: string): Promise<Membership | undefined> {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .limit(1);
  return row;
}

async function assertAnotherOwner(tx: Database, workspaceId: string, userId: string): Promise<void> {
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, "owner")))
    .for("update");
  if (!owners.some((owner) => owner.userId !== userId)) throw new LastOwnerError(workspaceId);
}

/** Changes a member's role. NotFoundError if they are not a member; LastOwnerError if it would leave no owner. */
export async function setMembershipRole(db: Database, input: { workspaceId: string; userId: string; role: Role }): Promise<Membership> {
  return db.transaction(async (tx) => {
    const current = await getMembership(tx, input.workspaceId, input.userId);
    if (!current) throw new NotFoundError("Member", input.userId, { workspaceId: input.workspaceId });
    if (current.role === "owner" && input.role !== "owner") await assertAnotherOwner(tx, input.workspaceId, input.userId);
    const [row] = await tx
      .update(memberships)
      .set({ role: input.role })
      .where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)))
      .returning();
    return row;
  });
}

/** Removes a member. NotFoundError if they are not a member; LastOwnerError for the last owner. */
export async function removeMembership(db: Database, workspaceId: string, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await getMembership(tx, workspaceId, userId);
    if (!current) throw new NotFoundError("Member", userId, { workspaceId });
    if (current.role === "owner") await assertAnotherOwner(tx, workspaceId, userId);
    await tx.delete(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  });
}

/** The members of a workspace, oldest first. */
export async function listMembers(db: Database, workspaceId: string): Promise<Member[]> {
  return db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(memberships.createdAt), asc(users.email));
}

/** The workspaces a user belongs to, the one joined first first (the default current workspace). */
export async function listUserWorkspaces(db: Database, userId: string): Promise<UserWorkspace[]> {
  return db
    .select({ workspaceId: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(workspaces.id));
}
