import type { Database } from "@/lib/db/client";
import { workflowChangeGeneration } from "@/lib/db/workflow-changes";

/**
 * Remembers webhook route lookups (which workflow and node answer `METHOD path`, with the workflow row) per database,
 * so that a hot webhook costs no query before its run. An entry is dropped when this process writes a workflow or a
 * route (lib/db/workflow-changes.ts) and after `ttlMs` otherwise (changes made by another process).
 */
export class WebhookLookupCache<Value> {
  private readonly entries = new WeakMap<Database, Map<string, { value: Value; generation: number; expires: number }>>();

  constructor(
    private readonly ttlMs = 1000,
    private readonly maxEntries = 10_000,
  ) {}

  async get(db: Database, key: string, load: () => Promise<Value>): Promise<Value> {
    let map = this.entries.get(db);
    if (!map) {
      map = new Map();
      this.entries.set(db, map);
    }
    const now = Date.now();
    const generation = workflowChangeGeneration();
    const hit = map.get(key);
    if (hit && hit.generation === generation && hit.expires > now) return hit.value;
    const value = await load();
    // A write that began while loading may not be in `value`: keep it only if none did.
    if (workflowChangeGeneration() === generation) {
      if (map.size >= this.maxEntries) map.clear();
      map.set(key, { value, generation, expires: now + this.ttlMs });
    }
    return value;
  }
}
