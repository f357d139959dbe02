import type { Database } from "./client";

/**
 * Remembers reads that hot requests repeat, per database: webhook route lookups (which workflow and node answer
 * `METHOD path`, with the workflow row), chat targets, decrypted credentials. An entry is dropped when this process
 * writes what it was read from (the `generation` counter of lib/db/changes.ts moves) and after `ttlMs` otherwise
 * (changes made by another process).
 */
export class LookupCache<Value> {
  private readonly entries = new WeakMap<Database, Map<string, { value: Value; generation: number; expires: number }>>();

  constructor(
    private readonly generation: () => number,
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
    const generation = this.generation();
    const hit = map.get(key);
    if (hit && hit.generation === generation && hit.expires > now) return hit.value;
    const value = await load();
    // A write that began while loading may not be in `value`: keep it only if none did.
    if (this.generation() === generation) {
      if (map.size >= this.maxEntries) map.clear();
      map.set(key, { value, generation, expires: now + this.ttlMs });
    }
    return value;
  }
}
