/**
 * A process-wide counter of writes to workflows and webhook routes, so that in-process caches of what they hold (the
 * webhook route lookup, lib/triggers/webhook-lookup-cache.ts) drop their entries at once when this process changes
 * them. Another process (several servers on one Postgres) is not seen here: caches also expire on a short timer.
 */
let generation = 0;

export function noteWorkflowChange(): void {
  generation += 1;
}

export function workflowChangeGeneration(): number {
  return generation;
}
