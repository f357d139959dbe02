/** Accounts. Emails are stored trimmed and lower-cased; a second account for the same address is a ConflictError. */
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { ConflictError } from "../../auth/errors";
import type { Database } from "../client";
import { type User, users } from "../schema-platform";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The user without the password hash: what may leave the server. */
export type PublicUser = Omit<User, "passwordHash">;

export function toPublicUser(user: User): PublicUser {
  const { passwordHash: _passwordHash, ...rest } = user;
  return rest;
}

/** Creates an account. `passwordHash` comes from lib/auth/password.ts (null: OAuth-only account). */
export async function createUser(db: Database, input: { id?: string; email: string; name?: string | null; passwordHash: string | null }): Promise<User> {
  const email = normalizeEmail(input.email);
  const [row] = await db
    .insert(users)
    .values({ id: input.id ?? randomUUID(), email, name: input.name ?? null, passwordHash: input.passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!row) throw new ConflictError(`An account with the email ${email} exists already`, { parameter: "email" });
  return row;
}

export async function getUserByEmail(db: Database, email: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, normalizeEmail(email))).limit(1);
  return row;
}

export async function getUserById(db: Database, userId: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row;
}

/** Whether the instance has any account yet (the first sign-up becomes an owner). */
export async function countUsers(db: Database): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
  return Number(row?.count ?? 0);
}

/** Replaces the password hash. Returns false when there is no such user. */
export async function setUserPassword(db: Database, userId: string, passwordHash: string): Promise<boolean> {
  const rows = await db.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(eq(users.id, userId)).returning({ id: users.id });
  return rows.length > 0;
}
