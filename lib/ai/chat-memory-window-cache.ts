/**
 * The last turns of recent chat sessions, kept in memory when this process is the only writer of the database (the
 * embedded one: `isSoleWriter`). An agent run then reads its memory window here instead of with a statement, ~1 ms of
 * its critical path at concurrency 1. With Postgres (several servers may write a session) nothing is kept.
 *
 * It stays exact because every write of `chat_memory_turns` tells it once it is committed (lib/ai/postgres-chat-memory.ts:
 * a turn stored, directly or in the execution's end, is appended once by its turn id; a session cleared is forgotten),
 * and because a read that overlaps a write of the same session is not kept (a counter per session moves at each write).
 * At most 256 sessions (least recently used go first), each with its last 64 turns.
 *
 * The state lives on globalThis: Next.js bundles a module once per route, and the chat route and the API route that
 * clears a session must share it.
 */
import type { Database } from "@/lib/db/client";
import { isSoleWriter } from "@/lib/db/client";

export interface CachedTurn {
  turnId: string;
  messages: unknown[];
}

interface SessionWindow {
  /** Oldest first. */
  turns: CachedTurn[];
  /** The session has no turns older than these. */
  complete: boolean;
}

const MAX_SESSIONS = 256;
const MAX_TURNS = 64;

interface CacheState {
  windows: WeakMap<Database, Map<string, SessionWindow>>;
  /** Moves at every write of a session: a read that overlapped one is not kept. */
  writes: WeakMap<Database, Map<string, number>>;
  /** Moves when a database's write counters are reset (they are bounded): every read in flight then keeps nothing. */
  epochs: WeakMap<Database, number>;
}

const GLOBAL_KEY = Symbol.for("hetumind.chat-memory-window-cache");

function state(): CacheState {
  const holder = globalThis as unknown as Record<symbol, CacheState | undefined>;
  holder[GLOBAL_KEY] ??= { windows: new WeakMap(), writes: new WeakMap(), epochs: new WeakMap() };
  return holder[GLOBAL_KEY];
}

const keyOf = (workspaceId: string, sessionId: string) => `${workspaceId}\u0000${sessionId}`;

function mapOf<T>(maps: WeakMap<Database, Map<string, T>>, db: Database): Map<string, T> {
  let map = maps.get(db);
  if (!map) {
    map = new Map();
    maps.set(db, map);
  }
  return map;
}

function writeMark(db: Database, key: string): string {
  const { writes, epochs } = state();
  return `${epochs.get(db) ?? 0}:${writes.get(db)?.get(key) ?? 0}`;
}

function noteWrite(db: Database, key: string): void {
  const { writes: all, epochs } = state();
  const writes = mapOf(all, db);
  if (writes.size > MAX_SESSIONS * 4 && !writes.has(key)) {
    // Bounded: the counters start again under a new epoch, so that every read in flight keeps nothing.
    writes.clear();
    epochs.set(db, (epochs.get(db) ?? 0) + 1);
  }
  writes.set(key, (writes.get(key) ?? 0) + 1);
}

/**
 * The last `limit` turns (all when undefined), oldest first: from memory when kept, else from `read` (the database),
 * which is then kept if this process is the database's only writer and no write of the session overlapped the read.
 */
export async function windowOf(
  db: Database,
  session: { workspaceId: string; sessionId: string },
  limit: number | undefined,
  read: () => Promise<CachedTurn[]>,
): Promise<CachedTurn[]> {
  if (!isSoleWriter(db)) return read();
  const key = keyOf(session.workspaceId, session.sessionId);
  const windows = mapOf(state().windows, db);
  const kept = windows.get(key);
  if (kept && (kept.complete || (limit !== undefined && kept.turns.length >= limit))) {
    windows.delete(key);
    windows.set(key, kept);
    return limit === undefined ? [...kept.turns] : kept.turns.slice(Math.max(0, kept.turns.length - limit));
  }
  const before = writeMark(db, key);
  const turns = await read();
  if (writeMark(db, key) === before && (limit === undefined || limit <= MAX_TURNS)) {
    windows.delete(key);
    if (windows.size >= MAX_SESSIONS) windows.delete(windows.keys().next().value!);
    windows.set(key, { turns: turns.slice(-MAX_TURNS), complete: limit === undefined ? turns.length <= MAX_TURNS : turns.length < limit });
  }
  return turns;
}

/** A turn was committed (or already stored under its turn id): appended to a kept window, once. */
export function turnStored(db: Database, session: { workspaceId: string; sessionId: string }, turn: CachedTurn): void {
  const key = keyOf(session.workspaceId, session.sessionId);
  noteWrite(db, key);
  const kept = state().windows.get(db)?.get(key);
  if (!kept || kept.turns.some((existing) => existing.turnId === turn.turnId)) return;
  kept.turns.push(turn);
  if (kept.turns.length > MAX_TURNS) {
    kept.turns.shift();
    kept.complete = false;
  }
}

/** A session was cleared (or changed in a way not told here): its window is forgotten. */
export function sessionChanged(db: Database, session: { workspaceId: string; sessionId: string }): void {
  const key = keyOf(session.workspaceId, session.sessionId);
  noteWrite(db, key);
  state().windows.get(db)?.delete(key);
}
