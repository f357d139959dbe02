/**
 * Process-wide news of writes to workflows, webhook routes and credentials:
 * - counters, so that in-process caches of what they hold (webhook route lookups, chat targets and decrypted
 *   credentials, lib/db/lookup-cache.ts) drop their entries at once when this process changes them;
 * - "retired" listeners, told when a workflow is deactivated or deleted, so that what it holds open (its MCP
 *   connections, lib/mcp/pool.ts) is closed.
 * Another process (several servers on one Postgres) is not seen here: caches also expire on a short timer, and idle
 * connections close on their own. The state lives on globalThis: Next.js bundles a module once per route, and every
 * copy must share it.
 */
import { createLogger } from "../log";

type RetiredListener = (workflowId: string) => void;

/** What a counter covers: "workflows" is workflows and their webhook routes. */
export type ChangeKind = "workflows" | "credentials";

interface Changes {
  generations: Record<ChangeKind, number>;
  retiredListeners: Set<RetiredListener>;
}

const GLOBAL_KEY = Symbol.for("hetumind.db-changes");

function state(): Changes {
  const holder = globalThis as unknown as Record<symbol, Changes | undefined>;
  holder[GLOBAL_KEY] ??= { generations: { workflows: 0, credentials: 0 }, retiredListeners: new Set() };
  return holder[GLOBAL_KEY];
}

export function changeGeneration(kind: ChangeKind): number {
  return state().generations[kind];
}

/**
 * Runs a write to `kind`, moving its counter before the write starts and after it ends: a cached read that overlaps the
 * write (lib/db/lookup-cache.ts keeps a value only if the counter did not move while it was read) is not kept.
 */
export async function changing<T>(kind: ChangeKind, write: () => Promise<T>): Promise<T> {
  state().generations[kind] += 1;
  try {
    return await write();
  } finally {
    state().generations[kind] += 1;
  }
}

/** A workflow was deactivated or deleted: tell the listeners (each one's error is its own; it is reported, not thrown). */
export function noteWorkflowRetired(workflowId: string): void {
  for (const listener of state().retiredListeners) {
    try {
      listener(workflowId);
    } catch (error) {
      createLogger({ workflowId }).error("a workflow-retired listener failed", { error: error instanceof Error ? error.message : String(error) });
    }
  }
}

/** Returns the function that removes the listener. */
export function onWorkflowRetired(listener: RetiredListener): () => void {
  state().retiredListeners.add(listener);
  return () => state().retiredListeners.delete(listener);
}
