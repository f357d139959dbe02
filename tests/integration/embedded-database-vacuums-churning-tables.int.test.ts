/**
 * PGlite runs no autovacuum (single-user mode): the local driver's poll vacuums the tables that churn, one per call,
 * each once per interval or sooner after enough executions ended (lib/db/embedded-vacuum.ts). On Postgres it leaves that to the server.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/lib/db/client";
import { CHURNING_TABLES, noteExecutionEnded, VACUUMED_BY_CHURN, vacuumAfterExecutions, vacuumEmbeddedIfDue, vacuumIntervalMs } from "@/lib/db/embedded-vacuum";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const deadRows = async (database: TestDatabase, table: string) => {
  // Statistics reach the views at most once a second unless a flush is forced.
  await database.db.execute(sql`select pg_stat_force_next_flush()`);
  await database.db.execute(sql`select 1`);
  return Number((await queryRows<{ dead: number }>(database.db, sql`select n_dead_tup::int as dead from pg_stat_user_tables where relname = ${table}`))[0]?.dead ?? 0);
};

describe("the embedded database's vacuum", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ driver: "pglite-thread" });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("reclaims the rows an agent's deleted checkpoints leave, one table per due call", async () => {
    // What the end of an execution leaves: checkpoints written, then deleted.
    for (let index = 0; index < 50; index++) {
      await database.db.execute(sql`insert into checkpoints (thread_id, checkpoint_ns, checkpoint_id, format_version, type, checkpoint, channel_versions, metadata)
        values (${`exec-${index}/Agent/0/0`}, '', 'c1', 4, 'json', '\\x7b7d'::bytea, '{}'::jsonb, '{}'::jsonb)`);
    }
    await database.db.execute(sql`delete from checkpoints where thread_id like 'exec-%'`);
    expect(await deadRows(database, "checkpoints")).toBe(50);

    const start = 1_000_000;
    // The first call starts the clock: nothing is due in the first interval.
    expect(await vacuumEmbeddedIfDue(database, { now: start })).toBeUndefined();
    expect(await vacuumEmbeddedIfDue(database, { now: start + 29_000 })).toBeUndefined();
    // Then one table per call, in order; checkpoints is the second.
    expect(await vacuumEmbeddedIfDue(database, { now: start + 30_000 })).toBe(CHURNING_TABLES[0]);
    expect(await vacuumEmbeddedIfDue(database, { now: start + 30_500 })).toBe("checkpoints");
    expect(await deadRows(database, "checkpoints")).toBe(0);
    for (const table of CHURNING_TABLES.slice(2)) expect(await vacuumEmbeddedIfDue(database, { now: start + 31_000 })).toBe(table);
    // Every table is done for this interval.
    expect(await vacuumEmbeddedIfDue(database, { now: start + 40_000 })).toBeUndefined();
    expect(await vacuumEmbeddedIfDue(database, { now: start + 60_000 })).toBe(CHURNING_TABLES[0]);
  });

  it("vacuums a checkpoint table before its interval once enough executions ended since its last vacuum", async () => {
    const fresh = await createTestDatabase({ driver: "pglite" });
    try {
      const environment = { HETUMIND_PGLITE_VACUUM_AFTER_EXECUTIONS: "3" };
      const start = 2_000_000;
      expect(await vacuumEmbeddedIfDue(fresh, { now: start, environment })).toBeUndefined();
      noteExecutionEnded(fresh);
      noteExecutionEnded(fresh);
      expect(await vacuumEmbeddedIfDue(fresh, { now: start + 1_000, environment })).toBeUndefined();
      noteExecutionEnded(fresh);
      // Only the checkpoint tables go by churn, in turn, one per call; the others wait for their interval.
      const checkpointTables = CHURNING_TABLES.filter((table) => VACUUMED_BY_CHURN.has(table));
      expect(checkpointTables).toEqual(["checkpoint_blobs", "checkpoints", "checkpoint_writes"]);
      for (const table of checkpointTables) expect(await vacuumEmbeddedIfDue(fresh, { now: start + 1_500, environment })).toBe(table);
      expect(await vacuumEmbeddedIfDue(fresh, { now: start + 2_000, environment })).toBeUndefined();
      // The count starts again for each table vacuumed.
      noteExecutionEnded(fresh);
      noteExecutionEnded(fresh);
      expect(await vacuumEmbeddedIfDue(fresh, { now: start + 2_500, environment })).toBeUndefined();
      noteExecutionEnded(fresh);
      expect(await vacuumEmbeddedIfDue(fresh, { now: start + 3_000, environment })).toBe("checkpoint_blobs");
      // By default (500) a few ends are not enough; the interval still makes every table due.
      expect(await vacuumEmbeddedIfDue(fresh, { now: start + 3_000 })).toBeUndefined();
      // A table not due is passed over: the others' turn comes.
      for (const table of ["executions", "node_run_batches", "chat_memory_turns"]) expect(await vacuumEmbeddedIfDue(fresh, { now: start + 30_000 })).toBe(table);
      expect(await vacuumEmbeddedIfDue(fresh, { now: start + 30_000 })).toBeUndefined();
      expect(await vacuumEmbeddedIfDue(fresh, { now: start + 31_600 })).toBe("checkpoints");
      expect(vacuumAfterExecutions({})).toBe(500);
      expect(vacuumAfterExecutions({ HETUMIND_PGLITE_VACUUM_AFTER_EXECUTIONS: "0" })).toBe(0);
      expect(vacuumAfterExecutions({ HETUMIND_PGLITE_VACUUM_AFTER_EXECUTIONS: "many" })).toBe(500);
    } finally {
      await fresh.close();
    }
  });

  it("is turned off with HETUMIND_PGLITE_VACUUM_INTERVAL_S=0, and a bad value keeps the default", async () => {
    expect(await vacuumEmbeddedIfDue(database, { now: 10 ** 12, environment: { HETUMIND_PGLITE_VACUUM_INTERVAL_S: "0" } })).toBeUndefined();
    expect(vacuumIntervalMs({ HETUMIND_PGLITE_VACUUM_INTERVAL_S: "5" })).toBe(5_000);
    expect(vacuumIntervalMs({ HETUMIND_PGLITE_VACUUM_INTERVAL_S: "soon" })).toBe(30_000);
  });

  it("does nothing on Postgres, where autovacuum runs", async () => {
    const postgres = await createTestDatabase({ driver: "postgres" });
    try {
      expect(await vacuumEmbeddedIfDue({ ...postgres, driver: "postgres" }, { now: 0 })).toBeUndefined();
      expect(await vacuumEmbeddedIfDue({ ...postgres, driver: "postgres" }, { now: 10 ** 9 })).toBeUndefined();
    } finally {
      await postgres.close();
    }
  });
});
