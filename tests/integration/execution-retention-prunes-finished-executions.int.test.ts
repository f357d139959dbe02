/**
 * HETUMIND_EXECUTIONS_MAX_AGE_DAYS: finished executions (succeeded, failed, cancelled) older than the limit are deleted
 * with their node runs and checkpoints, in bounded batches, at most once a minute; queued, running and waiting ones
 * stay however old; unset keeps everything; a bad value is logged and never stops the worker. The local driver prunes
 * on its own polls.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db/client";
import { createExecution } from "@/lib/db/queries/executions";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { LocalDriver } from "@/lib/engine/drivers/local";
import { pruneExecutionsIfDue, pruneExpiredExecutions, readExecutionsMaxAgeDays } from "@/lib/engine/retention";
import type { Logger } from "@/lib/log";
import { createTestEngine, type TestEngine, workflowOf } from "../helpers/engine";

const DAY_MS = 24 * 60 * 60 * 1000;
const setNode = { name: "Tag", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "tag", value: "x", type: "string" }] } } };
const workflow = workflowOf([setNode], [["Start", "Tag"]]);

let testEngine: TestEngine;

beforeAll(async () => {
  testEngine = await createTestEngine();
});

afterAll(async () => {
  await testEngine?.close();
});

/** A real run through the engine (node runs and checkpoints written), then backdated by `ageDays`. */
async function finishedRun(db: Database, ageDays: number, status: "succeeded" | "failed" | "cancelled" = "succeeded"): Promise<string> {
  const outcome = await testEngine.run(workflow, { n: 1 });
  expect(outcome.status).toBe("succeeded");
  const finishedAt = new Date(Date.now() - ageDays * DAY_MS);
  await db.execute(sql`update executions set status = ${status}, finished_at = ${finishedAt.toISOString()}::timestamptz, created_at = ${finishedAt.toISOString()}::timestamptz where id = ${outcome.executionId}`);
  await threadRows(db, outcome.executionId);
  await threadRows(db, `${outcome.executionId}/Agent/0/0`); // an AI Agent's own thread (agents/)
  return outcome.executionId;
}

/**
 * A checkpoint, a blob and a pending write on the execution's thread, whatever the engine kept of its own (what it
 * keeps after a finished run is the engine's business; retention must remove all of it).
 */
async function threadRows(db: Database, threadId: string): Promise<void> {
  const checkpointId = `retention-${randomUUID()}`;
  await db.execute(sql`insert into checkpoints (thread_id, checkpoint_ns, checkpoint_id, format_version, type, checkpoint, channel_versions, metadata)
    values (${threadId}, 'retention-test', ${checkpointId}, 4, 'json', '\\x7b7d'::bytea, '{}'::jsonb, '{}'::jsonb)`);
  await db.execute(sql`insert into checkpoint_blobs (thread_id, checkpoint_ns, channel, version, type, blob)
    values (${threadId}, 'retention-test', 'items', '1', 'json', '\\x5b5d'::bytea)`);
  await db.execute(sql`insert into checkpoint_writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob)
    values (${threadId}, 'retention-test', ${checkpointId}, 'task', 0, 'items', 'json', '\\x5b5d'::bytea)`);
}

/** An unfinished execution created `ageDays` ago. */
async function unfinished(db: Database, ageDays: number, status: "queued" | "running" | "waiting"): Promise<string> {
  const execution = await createExecution(db, { workspaceId: DEFAULT_WORKSPACE_ID, workflowSnapshot: workflow as unknown as Record<string, unknown>, mode: "manual" });
  const createdAt = new Date(Date.now() - ageDays * DAY_MS).toISOString();
  await db.execute(sql`update executions set status = ${status}, created_at = ${createdAt}::timestamptz, started_at = ${createdAt}::timestamptz where id = ${execution.id}`);
  return execution.id;
}

async function counts(db: Database, id: string): Promise<{ executions: number; nodeRuns: number; checkpoints: number; blobs: number; writes: number; agentCheckpoints: number }> {
  const one = async (query: ReturnType<typeof sql>) => Number(((await db.execute(query)) as unknown as { rows: Array<{ count: number | string }> }).rows[0].count);
  return {
    executions: await one(sql`select count(*) as count from executions where id = ${id}`),
    nodeRuns: await one(sql`select count(*) as count from node_run_batches where execution_id = ${id}`),
    checkpoints: await one(sql`select count(*) as count from checkpoints where thread_id = ${id} or thread_id like ${`${id}/%`}`),
    blobs: await one(sql`select count(*) as count from checkpoint_blobs where thread_id = ${id} or thread_id like ${`${id}/%`}`),
    writes: await one(sql`select count(*) as count from checkpoint_writes where thread_id = ${id} or thread_id like ${`${id}/%`}`),
    agentCheckpoints: await one(sql`select count(*) as count from checkpoints where thread_id like ${`${id}/%`}`),
  };
}

function recordingLogger(): Logger & { lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const logger = {
    lines,
    debug: (message: string, fields?: Record<string, unknown>) => lines.push({ level: "debug", message, fields }),
    info: (message: string, fields?: Record<string, unknown>) => lines.push({ level: "info", message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) => lines.push({ level: "warn", message, fields }),
    error: (message: string, fields?: Record<string, unknown>) => lines.push({ level: "error", message, fields }),
    child: () => logger,
  };
  return logger;
}

describe("execution retention", () => {
  it("reads HETUMIND_EXECUTIONS_MAX_AGE_DAYS: unset or empty keeps forever, a positive number of days, anything else refused", () => {
    expect(readExecutionsMaxAgeDays({})).toBeUndefined();
    expect(readExecutionsMaxAgeDays({ HETUMIND_EXECUTIONS_MAX_AGE_DAYS: "" })).toBeUndefined();
    expect(readExecutionsMaxAgeDays({ HETUMIND_EXECUTIONS_MAX_AGE_DAYS: " 30 " })).toBe(30);
    expect(readExecutionsMaxAgeDays({ HETUMIND_EXECUTIONS_MAX_AGE_DAYS: "0.5" })).toBe(0.5);
    for (const bad of ["0", "-1", "thirty", "NaN", "Infinity", "1e9"]) {
      expect(() => readExecutionsMaxAgeDays({ HETUMIND_EXECUTIONS_MAX_AGE_DAYS: bad }), bad).toThrow(/HETUMIND_EXECUTIONS_MAX_AGE_DAYS must be a positive number/);
    }
  });

  it("deletes finished executions older than the limit with their node runs and checkpoints (their agents' threads too), and nothing else", async () => {
    const db = testEngine.database.db;
    const old = {
      succeeded: await finishedRun(db, 40, "succeeded"),
      failed: await finishedRun(db, 31, "failed"),
      cancelled: await finishedRun(db, 400, "cancelled"),
    };
    const recent = await finishedRun(db, 29);
    const oldButUnfinished = {
      queued: await unfinished(db, 100, "queued"),
      running: await unfinished(db, 100, "running"),
      waiting: await unfinished(db, 100, "waiting"),
    };
    const before = await counts(db, old.succeeded);
    expect(before.executions).toBe(1);
    expect(before.nodeRuns).toBeGreaterThan(0);
    expect(before.checkpoints).toBeGreaterThan(0);
    expect(before.blobs).toBeGreaterThan(0);
    expect(before.writes).toBeGreaterThan(0);
    expect(before.agentCheckpoints).toBe(1);

    const result = await pruneExpiredExecutions(testEngine.database, { maxAgeDays: 30 });
    expect(result).toEqual({ deleted: 3, more: false });
    for (const id of Object.values(old)) expect(await counts(db, id), id).toEqual({ executions: 0, nodeRuns: 0, checkpoints: 0, blobs: 0, writes: 0, agentCheckpoints: 0 });
    const kept = await counts(db, recent);
    expect(kept.executions).toBe(1);
    expect(kept.nodeRuns).toBeGreaterThan(0);
    expect(kept.checkpoints).toBeGreaterThan(0);
    expect(kept.writes).toBeGreaterThan(0);
    expect(kept.agentCheckpoints).toBe(1);
    for (const id of Object.values(oldButUnfinished)) expect((await counts(db, id)).executions, id).toBe(1);

    expect(await pruneExpiredExecutions(testEngine.database, { maxAgeDays: 30 })).toEqual({ deleted: 0, more: false });
  });

  it("works in bounded batches: a pass stops after maxBatches and says more may be left", async () => {
    const db = testEngine.database.db;
    const ids = [await finishedRun(db, 50), await finishedRun(db, 51), await finishedRun(db, 52), await finishedRun(db, 53), await finishedRun(db, 54)];
    expect(await pruneExpiredExecutions(testEngine.database, { maxAgeDays: 30, batchSize: 2, maxBatches: 1 })).toEqual({ deleted: 2, more: true });
    // Oldest first.
    expect((await counts(db, ids[4])).executions).toBe(0);
    expect((await counts(db, ids[3])).executions).toBe(0);
    expect((await counts(db, ids[0])).executions).toBe(1);
    expect(await pruneExpiredExecutions(testEngine.database, { maxAgeDays: 30, batchSize: 2, maxBatches: 5 })).toEqual({ deleted: 3, more: false });
    for (const id of ids) expect((await counts(db, id)).executions).toBe(0);
  });

  it("runs at most once a minute per database; unset does nothing; a bad value is logged, not thrown", async () => {
    const db = testEngine.database.db;
    const start = new Date(); // no pass has run on this database through the gate yet
    const environment = { HETUMIND_EXECUTIONS_MAX_AGE_DAYS: "30" };
    const first = await finishedRun(db, 45);
    const logger = recordingLogger();
    expect(await pruneExecutionsIfDue(testEngine.database, { environment, now: start, logger })).toEqual({ deleted: 1, more: false });
    expect(logger.lines).toContainEqual({ level: "info", message: "expired executions deleted", fields: { deleted: 1, more: false, maxAgeDays: 30 } });

    const second = await finishedRun(db, 45);
    expect(await pruneExecutionsIfDue(testEngine.database, { environment, now: new Date(start.getTime() + 59_000) })).toBeUndefined();
    expect((await counts(db, second)).executions).toBe(1);
    expect(await pruneExecutionsIfDue(testEngine.database, { environment, now: new Date(start.getTime() + 60_000) })).toEqual({ deleted: 1, more: false });
    expect((await counts(db, first)).executions + (await counts(db, second)).executions).toBe(0);

    const third = await finishedRun(db, 45);
    expect(await pruneExecutionsIfDue(testEngine.database, { environment: {}, now: new Date(start.getTime() + 120_000) })).toBeUndefined();
    expect((await counts(db, third)).executions).toBe(1);

    const badLogger = recordingLogger();
    await expect(pruneExecutionsIfDue(testEngine.database, { environment: { HETUMIND_EXECUTIONS_MAX_AGE_DAYS: "a month" }, now: new Date(start.getTime() + 180_000), logger: badLogger })).resolves.toBeUndefined();
    expect(badLogger.lines).toEqual([{ level: "error", message: "execution retention failed", fields: { error: expect.stringContaining("HETUMIND_EXECUTIONS_MAX_AGE_DAYS") } }]);
    expect((await counts(db, third)).executions).toBe(1);
  });

  it("the local driver prunes on its polls and still runs queued executions", async () => {
    const other = await createTestEngine();
    const previous = process.env.HETUMIND_EXECUTIONS_MAX_AGE_DAYS;
    process.env.HETUMIND_EXECUTIONS_MAX_AGE_DAYS = "7";
    const driver = new LocalDriver(other.engine, other.database, { pollIntervalMs: 20, schedules: false });
    try {
      const db = other.database.db;
      const outcome = await other.run(workflow, { n: 2 });
      const old = outcome.executionId;
      await db.execute(sql`update executions set finished_at = now() - interval '8 days' where id = ${old}`);
      const queued = await createExecution(db, { id: randomUUID(), workspaceId: DEFAULT_WORKSPACE_ID, workflowSnapshot: workflow as unknown as Record<string, unknown>, mode: "manual", input: { n: 3 } });
      await driver.start();
      await expect.poll(async () => (await counts(db, old)).executions, { timeout: 20_000 }).toBe(0);
      await expect
        .poll(async () => ((await db.execute(sql`select status from executions where id = ${queued.id}`)) as unknown as { rows: Array<{ status: string }> }).rows[0]?.status, { timeout: 20_000 })
        .toBe("succeeded");
    } finally {
      await driver.stop({ drain: true, timeoutMs: 5_000 });
      if (previous === undefined) delete process.env.HETUMIND_EXECUTIONS_MAX_AGE_DAYS;
      else process.env.HETUMIND_EXECUTIONS_MAX_AGE_DAYS = previous;
      await other.close();
    }
  });
});
