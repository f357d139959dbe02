/**
 * Execution retention: with `HETUMIND_EXECUTIONS_MAX_AGE_DAYS` set, the worker deletes finished executions (succeeded,
 * failed, cancelled) that finished more than that many days ago, with their node runs and checkpoints. Unset (or
 * empty) keeps every execution forever. Queued, running and waiting executions are never deleted, however old.
 *
 * The local driver calls `pruneExecutionsIfDue` on every poll; it does work at most once a minute per database, in
 * batches of `batchSize` rows (one transaction each) and at most `maxBatches` batches per pass, so one pass holds the
 * embedded database for a bounded time; what is left goes at the next pass.
 */
import { z } from "zod";
import type { DatabaseHandle } from "../db/client";
import { deleteFinishedExecutionsBefore } from "../db/queries/execution-retention";
import { EnvironmentVariableError } from "../errors";
import type { Logger } from "../log";

export const EXECUTIONS_MAX_AGE_DAYS_VARIABLE = "HETUMIND_EXECUTIONS_MAX_AGE_DAYS";

const DAY_MS = 24 * 60 * 60 * 1000;

const maxAgeDaysSchema = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : Number(value)))
  .pipe(z.number().positive().max(36_500).optional());

/** The retention in days from `environment` (default `process.env`), undefined when unset. Throws on a bad value. */
export function readExecutionsMaxAgeDays(environment: Readonly<Record<string, string | undefined>> = process.env): number | undefined {
  const raw = environment[EXECUTIONS_MAX_AGE_DAYS_VARIABLE];
  if (raw === undefined) return undefined;
  const parsed = maxAgeDaysSchema.safeParse(raw);
  if (!parsed.success) {
    throw new EnvironmentVariableError(
      `${EXECUTIONS_MAX_AGE_DAYS_VARIABLE} must be a positive number of days (got "${raw}"); leave it unset to keep executions forever`,
      { variable: EXECUTIONS_MAX_AGE_DAYS_VARIABLE },
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

export interface PruneExecutionsOptions {
  /** Days to keep; default from the environment. Undefined: keep everything. */
  maxAgeDays?: number;
  /** Rows per batch (one transaction each). Default 500. */
  batchSize?: number;
  /** Batches per pass at most. Default 20. */
  maxBatches?: number;
  now?: Date;
}

export interface PruneResult {
  deleted: number;
  /** True when the pass stopped at `maxBatches` with more possibly left. */
  more: boolean;
}

/** One retention pass now (no once-a-minute gate): deletes in batches until none is left or `maxBatches` is reached. */
export async function pruneExpiredExecutions(database: DatabaseHandle, options: PruneExecutionsOptions & { maxAgeDays: number }): Promise<PruneResult> {
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 20;
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.maxAgeDays * DAY_MS);
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const ids = await deleteFinishedExecutionsBefore(database.db, { cutoff, limit: batchSize });
    deleted += ids.length;
    if (ids.length < batchSize) return { deleted, more: false };
  }
  return { deleted, more: true };
}

/** At most one pass a minute per database handle (a WeakMap, so a closed test database leaves nothing behind). */
export const RETENTION_INTERVAL_MS = 60_000;
const lastPassAt = new WeakMap<DatabaseHandle, number>();

/**
 * What the worker calls on every poll: a retention pass if one is due (the variable is set and the last pass on this
 * database was at least a minute ago). Never throws: a bad variable or a database error is logged (once per interval)
 * and the worker goes on claiming executions.
 */
export async function pruneExecutionsIfDue(
  database: DatabaseHandle,
  options: { logger?: Logger; environment?: Readonly<Record<string, string | undefined>>; now?: Date; batchSize?: number; maxBatches?: number } = {},
): Promise<PruneResult | undefined> {
  const now = options.now ?? new Date();
  const last = lastPassAt.get(database);
  if (last !== undefined && now.getTime() - last < RETENTION_INTERVAL_MS) return undefined;
  lastPassAt.set(database, now.getTime());
  try {
    const maxAgeDays = readExecutionsMaxAgeDays(options.environment);
    if (maxAgeDays === undefined) return undefined;
    const result = await pruneExpiredExecutions(database, { maxAgeDays, now, batchSize: options.batchSize, maxBatches: options.maxBatches });
    if (result.deleted > 0) options.logger?.info("expired executions deleted", { deleted: result.deleted, more: result.more, maxAgeDays });
    return result;
  } catch (error) {
    options.logger?.error("execution retention failed", { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}
