/**
 * VACUUM for the embedded database. PGlite runs Postgres in single-user mode, where autovacuum never runs: the rows that
 * updates and deletes leave behind are never reclaimed, and every table that has them grows without bound. Every agent
 * run writes checkpoints and deletes them when its execution ends; measured in process, 3,000 agent runs left 33,264
 * dead rows (10.6 MB) in checkpoint_blobs next to 11 live ones, and 6,048 in checkpoints. Without statistics the
 * planner also guesses every table's size (ANALYZE never runs either).
 *
 * The local driver calls `vacuumEmbeddedIfDue` on every poll. It vacuums and analyzes the tables that churn, **one
 * table per call**, each at most once per interval (`HETUMIND_PGLITE_VACUUM_INTERVAL_S`, default 30 s, 0 turns it off),
 * so that one pause of the database thread stays short. On real Postgres it does nothing: autovacuum is the server's
 * job.
 */
import { sql } from "drizzle-orm";
import type { Logger } from "../log";
import type { DatabaseHandle } from "./client";

/** Tables with updates or deletes on every execution or agent run, in the order they are vacuumed. */
export const CHURNING_TABLES = ["checkpoint_blobs", "checkpoints", "checkpoint_writes", "executions", "node_run_batches", "chat_memory_turns"] as const;

export const VACUUM_INTERVAL_VARIABLE = "HETUMIND_PGLITE_VACUUM_INTERVAL_S";
const DEFAULT_INTERVAL_S = 30;
let warned = false;

/** The interval in milliseconds (0: off). A value that is not a non-negative number is reported once and the default used. */
export function vacuumIntervalMs(environment: Readonly<Record<string, string | undefined>> = process.env, logger?: Logger): number {
  const raw = environment[VACUUM_INTERVAL_VARIABLE]?.trim();
  if (raw === undefined || raw === "") return DEFAULT_INTERVAL_S * 1000;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  if (!warned) {
    warned = true;
    logger?.error(`${VACUUM_INTERVAL_VARIABLE} must be a number of seconds (0 turns it off); using ${DEFAULT_INTERVAL_S}`, { value: raw });
  }
  return DEFAULT_INTERVAL_S * 1000;
}

interface VacuumState {
  next: number;
  lastAt: Map<string, number>;
}
const states = new WeakMap<DatabaseHandle, VacuumState>();

/**
 * Vacuums the next churning table of an embedded database if its last vacuum is at least an interval old. Returns the
 * table vacuumed (undefined when none was due, on Postgres, or when turned off). Never throws: a failure is logged and
 * the table is tried again after an interval.
 */
export async function vacuumEmbeddedIfDue(
  database: DatabaseHandle,
  options: { logger?: Logger; environment?: Readonly<Record<string, string | undefined>>; now?: number } = {},
): Promise<string | undefined> {
  if (database.driver !== "pglite") return undefined;
  const interval = vacuumIntervalMs(options.environment, options.logger);
  if (interval === 0) return undefined;
  const now = options.now ?? Date.now();
  let state = states.get(database);
  if (!state) {
    // The first pass waits one interval: a server that just started has other work first.
    state = { next: 0, lastAt: new Map(CHURNING_TABLES.map((table) => [table, now])) };
    states.set(database, state);
  }
  const table = CHURNING_TABLES[state.next];
  if (now - (state.lastAt.get(table) ?? 0) < interval) return undefined;
  state.lastAt.set(table, now);
  state.next = (state.next + 1) % CHURNING_TABLES.length;
  const started = performance.now();
  try {
    await database.db.execute(sql.raw(`vacuum (analyze) ${table}`));
    options.logger?.debug("vacuumed", { table, ms: Math.round(performance.now() - started) });
    return table;
  } catch (error) {
    options.logger?.error("vacuum failed", { table, error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}
