/** Counts and times every statement PGlite runs (for the in-process benches' BENCH_TRACE_QUERIES). */
import type { DatabaseHandle } from "@/lib/db/client";

export function traceQueries(database: DatabaseHandle) {
  const stats = new Map<string, { count: number; ms: number }>();
  if (!database.pglite) throw new Error("query tracing needs PGlite");
  // drizzle's client: PGlite's own methods, with statements that have parameters prepared (lib/db/client.ts).
  const pglite = (database.db as unknown as { $client: Record<string, (...args: unknown[]) => Promise<unknown>> }).$client;
  for (const method of ["query", "exec"]) {
    const original = pglite[method].bind(pglite);
    pglite[method] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original(...args);
      } finally {
        const key = `${method} ${String(args[0]).replace(/\s+/g, " ").slice(0, 110)}`;
        const entry = stats.get(key) ?? { count: 0, ms: 0 };
        entry.count += 1;
        entry.ms += performance.now() - started;
        stats.set(key, entry);
      }
    };
  }
  return {
    reset: () => stats.clear(),
    /** Per run: how many times each statement ran and its mean time, slowest total first. */
    print: (runs: number) => {
      for (const [key, { count, ms }] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) {
        console.log(`${(count / runs).toFixed(2)}/run  ${(ms / count).toFixed(3)} ms  ${key}`);
      }
    },
  };
}
