/**
 * API keys: `hm_` + 32 random bytes (base64url). Shown once by `createApiKey`; stored as SHA-256 (hex). A key acts as
 * its user in its workspace, with the role the user has there *now* (a key of a removed member stops working).
 */
import { randomUUID } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { randomToken, sha256Hex } from "../../auth/tokens";
import type { Database } from "../client";
import { type ApiKey, apiKeys, memberships, type Role } from "../schema-platform";

export const API_KEY_PREFIX = "hm_";
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

/** A key as listed: never the key itself nor its hash. */
export type ApiKeySummary = Omit<ApiKey, "keyHash">;

function summary(row: ApiKey): ApiKeySummary {
  const { keyHash: _keyHash, ...rest } = row;
  return rest;
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && /^[A-Za-z0-9_-]{40,}$/.test(value.slice(API_KEY_PREFIX.length));
}

export async function createApiKey(
  db: Database,
  input: { workspaceId: string; userId: string; name: string },
): Promise<{ apiKey: ApiKeySummary; key: string }> {
  const key = `${API_KEY_PREFIX}${randomToken(32)}`;
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: randomUUID(),
      workspaceId: input.workspaceId,
      userId: input.userId,
      name: input.name,
      prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
      keyHash: sha256Hex(key),
    })
    .returning();
  return { apiKey: summary(row), key };
}

/** The workspace's keys (revoked ones too, marked by `revokedAt`), newest first. */
export async function listApiKeys(db: Database, workspaceId: string, options: { userId?: string } = {}): Promise<ApiKeySummary[]> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, workspaceId), options.userId ? eq(apiKeys.userId, options.userId) : undefined))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(summary);
}

/** Revokes a key of the workspace. False when there is no such live key there (unknown, revoked, another workspace's). */
export async function revokeApiKey(db: Database, workspaceId: string, apiKeyId: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, apiKeyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

export interface ApiKeyPrincipal {
  userId: string;
  workspaceId: string;
  role: Role;
  apiKeyId: string;
}

/**
 * Who a key acts for, updating its `last_used_at` (one statement). Undefined for an unknown or revoked key, or when its
 * user is no longer a member of its workspace.
 */
export async function authenticateApiKey(db: Database, key: string): Promise<ApiKeyPrincipal | undefined> {
  if (!looksLikeApiKey(key)) return undefined;
  const [row] = await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .from(memberships)
    .where(
      and(
        eq(apiKeys.keyHash, sha256Hex(key)),
        isNull(apiKeys.revokedAt),
        eq(memberships.workspaceId, apiKeys.workspaceId),
        eq(memberships.userId, apiKeys.userId),
      ),
    )
    .returning({ apiKeyId: apiKeys.id, userId: apiKeys.userId, workspaceId: apiKeys.workspaceId, role: memberships.role });
  return row;
}
