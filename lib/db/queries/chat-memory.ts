/**
 * Chat memory turns (lib/ai/postgres-chat-memory.ts): every query is scoped by workspace id, then session id.
 * Messages are AI SDK `ModelMessage` JSON, one row per turn.
 */
import { type SQL, and, asc, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { chatMemoryTurns } from "../schema-ai";

export interface ChatTurnInput {
  workspaceId: string;
  sessionId: string;
  /** Stable across a replay of the same agent run: a second save of the same turn stores nothing. */
  turnId: string;
  /** The turn's messages as JSON text (one parameter, cast to jsonb). */
  messagesJson: string;
}

/**
 * Stores a turn unless this (workspace, session, turn id) is already stored, where `condition` holds: sql`true` on
 * its own, or the execution's `moved` inside its end (a CTE).
 */
export function chatTurnInsert(turn: ChatTurnInput, condition: SQL): SQL {
  return sql`insert into ${chatMemoryTurns} (${sql.identifier("workspace_id")}, ${sql.identifier("session_id")}, ${sql.identifier("turn_id")}, ${sql.identifier("messages")})
    select ${turn.workspaceId}, ${turn.sessionId}, ${turn.turnId}, ${turn.messagesJson}::jsonb where ${condition}
    on conflict (${sql.identifier("workspace_id")}, ${sql.identifier("session_id")}, ${sql.identifier("turn_id")}) do nothing`;
}

export interface StoredChatTurn {
  turnId: string;
  messages: unknown[];
  createdAt: Date;
}

/** The last `limit` turns of a session, oldest first (every turn when `limit` is undefined). */
export async function loadChatTurns(db: Database, workspaceId: string, sessionId: string, limit?: number): Promise<StoredChatTurn[]> {
  const where = and(eq(chatMemoryTurns.workspaceId, workspaceId), eq(chatMemoryTurns.sessionId, sessionId));
  const columns = { turnId: chatMemoryTurns.turnId, messages: chatMemoryTurns.messages, createdAt: chatMemoryTurns.createdAt };
  if (limit === undefined) {
    const rows = await db.select(columns).from(chatMemoryTurns).where(where).orderBy(asc(chatMemoryTurns.id));
    return rows.map((row) => ({ ...row, messages: row.messages as unknown[] }));
  }
  if (limit <= 0) return [];
  const rows = await db.select(columns).from(chatMemoryTurns).where(where).orderBy(desc(chatMemoryTurns.id)).limit(limit);
  return rows.reverse().map((row) => ({ ...row, messages: row.messages as unknown[] }));
}

/** Deletes every turn of a session; returns how many turns were deleted. */
export async function clearChatSession(db: Database, workspaceId: string, sessionId: string): Promise<number> {
  const deleted = await db
    .delete(chatMemoryTurns)
    .where(and(eq(chatMemoryTurns.workspaceId, workspaceId), eq(chatMemoryTurns.sessionId, sessionId)))
    .returning({ id: chatMemoryTurns.id });
  return deleted.length;
}
