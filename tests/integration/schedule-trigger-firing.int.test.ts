import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getExecution } from "@/lib/db/queries/executions";
import { listSchedules, setScheduleNextRun } from "@/lib/db/queries/schedules";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { LocalDriver } from "@/lib/engine/drivers/local";
import { activateWorkflow, deactivateWorkflow } from "@/lib/triggers/activation";
import { fireDueSchedules } from "@/lib/triggers/schedules";
import { createTestEngine, type TestEngine } from "../helpers/engine";
import { chain, runtimeOf, saveWorkflow } from "../helpers/triggers";

const W = DEFAULT_WORKSPACE_ID;
let testEngine: TestEngine;
beforeAll(async () => {
  testEngine = await createTestEngine();
});
afterAll(async () => {
  await testEngine?.close();
});

describe("schedule trigger", () => {
  it("activation computes the next run from the cron expression in the schedule's time zone", async () => {
    const id = await saveWorkflow(testEngine, chain({ name: "Nine", type: "hetumind.scheduleTrigger", parameters: { rule: { mode: "cron", expression: "0 9 * * *" }, timezone: "America/New_York" } }));
    await activateWorkflow(testEngine.database.db, W, id, { now: new Date("2026-01-15T15:00:00Z") });
    const [schedule] = await listSchedules(testEngine.database.db, W, id);
    // 09:00 in New York (UTC-5 in January) the next day.
    expect(schedule).toMatchObject({ cron: "0 9 * * *", timezone: "America/New_York", nextRunAt: new Date("2026-01-16T14:00:00Z") });
    await deactivateWorkflow(testEngine.database.db, W, id);
    expect(await listSchedules(testEngine.database.db, W, id)).toEqual([]);
  });

  it("fires a due schedule once through the local driver's poll, and a run missed for hours fires once, not once per missed slot", async () => {
    const id = await saveWorkflow(
      testEngine,
      chain({ name: "Every5", type: "hetumind.scheduleTrigger", parameters: { rule: { mode: "interval", every: 5, unit: "minutes" } } }, [{ name: "Work", type: "hetumind.noOp" }]),
    );
    await activateWorkflow(testEngine.database.db, W, id);
    const [planned] = await listSchedules(testEngine.database.db, W, id);
    expect(planned.cron).toBe("*/5 * * * *");
    expect(await fireDueSchedules(runtimeOf(testEngine))).toEqual([]);

    // The server was down for three hours: 36 slots were missed.
    const missed = new Date(Date.now() - 3 * 60 * 60 * 1000);
    await setScheduleNextRun(testEngine.database.db, id, "Every5", missed);
    const driver = new LocalDriver(testEngine.engine, testEngine.database);
    await driver.runUntilIdle();
    const [after] = await listSchedules(testEngine.database.db, W, id);
    expect(after.nextRunAt.getTime()).toBeGreaterThan(Date.now());
    expect(after.lastRunAt).not.toBeNull();
    expect(await fireDueSchedules(runtimeOf(testEngine))).toEqual([]);

    const { listExecutions } = await import("@/lib/db/queries/executions");
    const runs = await listExecutions(testEngine.database.db, W, { workflowId: id });
    expect(runs).toHaveLength(1);
    const run = await getExecution(testEngine.database.db, W, runs[0].id);
    expect(run).toMatchObject({ status: "succeeded", mode: "trigger" });
    expect(run?.output).toEqual([{ json: expect.objectContaining({ scheduledAt: missed.toISOString(), timezone: "UTC" }) }]);
  });

  it("a driver started with a first-poll delay (the server's) fires a due schedule only once that delay has passed", async () => {
    const id = await saveWorkflow(testEngine, chain({ name: "Delayed", type: "hetumind.scheduleTrigger", parameters: { rule: { mode: "interval", every: 1, unit: "hours" } } }));
    await activateWorkflow(testEngine.database.db, W, id);
    await setScheduleNextRun(testEngine.database.db, id, "Delayed", new Date(Date.now() - 60_000));
    const driver = new LocalDriver(testEngine.engine, testEngine.database, { firstPollDelayMs: 300, pollIntervalMs: 50 });
    const { listExecutions } = await import("@/lib/db/queries/executions");
    try {
      await driver.start();
      // start() returned without polling: the schedule is still due and nothing ran.
      expect(await listExecutions(testEngine.database.db, W, { workflowId: id })).toEqual([]);
      await expect.poll(async () => (await listExecutions(testEngine.database.db, W, { workflowId: id })).map((run) => run.status), { timeout: 5000 }).toEqual(["succeeded"]);
    } finally {
      await driver.stop({ drain: true });
    }
  });

  it("firing the same due time twice starts one execution (the id is derived from the due time)", async () => {
    const id = await saveWorkflow(testEngine, chain({ name: "Hourly", type: "hetumind.scheduleTrigger", parameters: { rule: { mode: "interval", every: 1, unit: "hours" } } }));
    await activateWorkflow(testEngine.database.db, W, id);
    const due = new Date(Date.now() - 60_000);
    await setScheduleNextRun(testEngine.database.db, id, "Hourly", due);
    const first = await fireDueSchedules(runtimeOf(testEngine));
    expect(first).toHaveLength(1);
    // Another worker read the schedule before it moved on.
    await setScheduleNextRun(testEngine.database.db, id, "Hourly", due);
    expect(await fireDueSchedules(runtimeOf(testEngine))).toEqual([]);
  });
});
