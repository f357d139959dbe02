/**
 * VACUUM for the embedded database. PGlite runs Postgres in single-user mode, where autovacuum never runs: the rows that
 * updates and deletes leave behind are never reclaimed, and every table that has them grows without bound. Every agent
 * run writes checkpoints and deletes them when its execution ends; measured in process, 3,000 agent runs left 33,264
 * dead rows (10.6 MB) in checkpoint_blobs next to 11 live ones, and 6,048 in checkpoints. Without statistics the
 * planner also guesses every table's size (ANALYZE never runs either).
 *
 * The local driver calls `vacuumEmbeddedIfDue` on every poll. It vacuums and analyzes the tables that churn, **one
 * table per call**, so that one pause of the database thread stays short. A table is due once per interval
 * (`HETUMIND_PGLITE_VACUUM_INTERVAL_S`, default 30 s, 0 turns vacuuming off); a checkpoint table also sooner, once
 * enough executions ended since its last vacuum (`HETUMIND_PGLITE_VACUUM_AFTER_EXECUTIONS`, default 500; 0: only by
 * time). Under load 30 s
 * was too long: dead rows and stale statistics made an agent run 2-3 ms slower at concurrency 1 before the first
 * pass (docs/decisions/vacuum-after-executions.md). On real Postgres it does nothing: autovacuum is the server's job.
 */
import { sql } from "drizzle-orm";
import type { Logger } from "../log";
import type { DatabaseHandle } from "./client";

/** Tables with updates or deletes on every execution or agent run, in the order they are vacuumed. */
export const CHURNING_TABLES = ["checkpoint_blobs", "checkpoints", "checkpoint_writes", "executions", "node_run_batches", "chat_memory_turns"] as const;

/**
 * The tables also vacuumed after `HETUMIND_PGLITE_VACUUM_AFTER_EXECUTIONS` ended executions: the checkpoint tables,
 * whose rows each run writes and its end deletes (1-4 ms a vacuum). The others grow with every execution; their vacuum
 * takes 30-50 ms and more as they grow, and doing it that often cost a third of the throughput at concurrency 10.
 */
export const VACUUMED_BY_CHURN: ReadonlySet<string> = new Set(["checkpoint_blobs", "checkpoints", "checkpoint_writes"]);

export const VACUUM_INTERVAL_VARIABLE = "HETUMIND_PGLITE_VACUUM_INTERVAL_S";
const DEFAULT_INTERVAL_S = 30;
export const VACUUM_AFTER_VARIABLE = "HETUMIND_PGLITE_VACUUM_AFTER_EXECUTIONS";
const DEFAULT_AFTER_EXECUTIONS = 500;
const warned = new Set<string>();

type Environment = Readonly<Record<string, string | undefined>>;

/** A non-negative number from the environment; a value that is not one is reported once (per variable) and `fallback` used. */
function nonNegativeSetting(environment: Environment, variable: string, fallback: number, meaning: string, logger?: Logger): number {
  const raw = environment[variable]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (Number.isFinite(value) && value >= 0) return value;
  if (!warned.has(variable)) {
    warned.add(variable);
    logger?.error(`${variable} must be ${meaning}; using ${fallback}`, { value: raw });
  }
  return fallback;
}

/** The interval in milliseconds (0: off). A value that is not a non-negative number is reported once and the default used. */
export function vacuumIntervalMs(environment: Environment = process.env, logger?: Logger): number {
  return nonNegativeSetting(environment, VACUUM_INTERVAL_VARIABLE, DEFAULT_INTERVAL_S, "a number of seconds (0 turns it off)", logger) * 1000;
}

/** How many ended executions make a checkpoint table due before its interval (0: only the interval). A bad value keeps the default. */
export function vacuumAfterExecutions(environment: Environment = process.env, logger?: Logger): number {
  return Math.floor(nonNegativeSetting(environment, VACUUM_AFTER_VARIABLE, DEFAULT_AFTER_EXECUTIONS, "a number of executions (0: only by time)", logger));
}

interface VacuumState {
  next: number;
  lastAt: Map<string, number>;
  /** Executions ended on this database (`noteExecutionEnded`), and that count at each table's last vacuum. */
  ended: number;
  endedAtVacuum: Map<string, number>;
}
const states = new WeakMap<DatabaseHandle, VacuumState>();

function stateOf(database: DatabaseHandle, now: number): VacuumState {
  let state = states.get(database);
  if (!state) {
    // The first pass by time waits one interval: a server that just started has other work first.
    state = { next: 0, lastAt: new Map(CHURNING_TABLES.map((table) => [table, now])), ended: 0, endedAtVacuum: new Map() };
    states.set(database, state);
  }
  return state;
}

/** An execution ended on this database (the engine tells, at each end): its rows churned. */
export function noteExecutionEnded(database: DatabaseHandle): void {
  if (database.driver === "pglite") stateOf(database, Date.now()).ended += 1;
}

/**
 * Vacuums the next churning table of an embedded database that is due: its last vacuum is at least an interval old,
 * or (a checkpoint table) enough executions ended since (`noteExecutionEnded`). Returns the table vacuumed (undefined
 * when none was due, on Postgres, or when turned off). Never throws: a failure is logged and the table is tried again
 * when it is next due.
 */
export async function vacuumEmbeddedIfDue(
  database: DatabaseHandle,
  options: { logger?: Logger; environment?: Environment; now?: number } = {},
): Promise<string | undefined> {
  if (database.driver !== "pglite") return undefined;
  const interval = vacuumIntervalMs(options.environment, options.logger);
  if (interval === 0) return undefined;
  const now = options.now ?? Date.now();
  const state = stateOf(database, now);
  const after = vacuumAfterExecutions(options.environment, options.logger);
  const isDue = (table: string) =>
    now - (state.lastAt.get(table) ?? 0) >= interval || (after > 0 && VACUUMED_BY_CHURN.has(table) && state.ended - (state.endedAtVacuum.get(table) ?? 0) >= after);
  // In turn from where the last call stopped: the first table that is due.
  let offset = 0;
  while (offset < CHURNING_TABLES.length && !isDue(CHURNING_TABLES[(state.next + offset) % CHURNING_TABLES.length])) offset += 1;
  if (offset === CHURNING_TABLES.length) return undefined;
  const index = (state.next + offset) % CHURNING_TABLES.length;
  const table = CHURNING_TABLES[index];
  state.lastAt.set(table, now);
  state.endedAtVacuum.set(table, state.ended);
  state.next = (index + 1) % CHURNING_TABLES.length;
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
