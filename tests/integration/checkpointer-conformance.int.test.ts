/**
 * LangGraph's own conformance suite for checkpoint savers (@langchain/langgraph-checkpoint-validation), run against
 * DrizzleCheckpointSaver on both drivers: PGlite in-process, and postgres.js over pglite-socket. Also the opt-in
 * delta-channel-history suite. One database per driver; each checkpointer the suite creates starts from empty tables.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { type CheckpointSaverTestInitializer, deltaChannelHistoryTests, validate } from "@langchain/langgraph-checkpoint-validation";
import { DrizzleCheckpointSaver } from "../../lib/engine/checkpointer";
import { type DatabaseHandle, openDatabase } from "../../lib/db/client";
import { TEST_DATABASE_DRIVERS, createTestDatabase } from "../helpers/db";

// The suite calls describe/it/expect/... as globals (its CLI runs vitest with `globals: true`); this config does not.
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it });

const targets: Array<{ name: string; open: () => Promise<DatabaseHandle> }> = TEST_DATABASE_DRIVERS.map((driver) => ({
  name: driver,
  open: () => createTestDatabase({ driver }),
}));
// Set HETUMIND_TEST_DATABASE_URL to run the suite against a real Postgres server too (its checkpoint tables are emptied).
const externalUrl = process.env.HETUMIND_TEST_DATABASE_URL;
if (externalUrl) targets.push({ name: "HETUMIND_TEST_DATABASE_URL", open: () => openDatabase({ databaseUrl: externalUrl }) });

for (const target of targets) {
  let database: DatabaseHandle | undefined;
  const initializer: CheckpointSaverTestInitializer<DrizzleCheckpointSaver> = {
    checkpointerName: `DrizzleCheckpointSaver (${target.name})`,
    beforeAllTimeout: 60_000,
    async beforeAll() {
      database = await target.open();
    },
    async afterAll() {
      await database?.close();
    },
    async createCheckpointer() {
      if (!database) throw new Error("the test database is not open");
      await database.db.execute(sql`truncate checkpoints, checkpoint_blobs, checkpoint_writes`);
      return new DrizzleCheckpointSaver(database.db);
    },
  };
  validate(initializer);
  describe(`${initializer.checkpointerName} (opt-in suites)`, () => {
    deltaChannelHistoryTests(initializer);
  });
}
