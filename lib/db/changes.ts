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

interface Changes {
  generation: number;
  credentialGeneration: number;
  retiredListeners: Set<RetiredListener>;
}

const GLOBAL_KEY = Symbol.for("hetumind.db-changes");

function state(): Changes {
  const holder = globalThis as unknown as Record<symbol, Changes | undefined>;
  holder[GLOBAL_KEY] ??= { generation: 0, credentialGeneration: 0, retiredListeners: new Set() };
  return holder[GLOBAL_KEY];
}

export function noteWorkflowChange(): void {
  state().generation += 1;
}

export function workflowChangeGeneration(): number {
  return state().generation;
}

export function noteCredentialChange(): void {
  state().credentialGeneration += 1;
}

export function credentialChangeGeneration(): number {
  return state().credentialGeneration;
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
