import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "@/lib/db/client";
import { getExecution } from "@/lib/db/queries/executions";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { FinishedExecutionWriter } from "@/lib/engine/finished-execution-writer";
import { pendingExecution } from "@/lib/db/queries/executions";
import { createTestEngine, jsonOf, workflowOf, type TestEngine } from "../helpers/engine";

let testEngine: TestEngine;
beforeAll(async () => {
  testEngine = await createTestEngine();
});
afterAll(async () => {
  await testEngine?.close();
});

const tag = (value: string) => ({
  name: "Tag",
  type: "hetumind.set",
  parameters: { assignments: { assignments: [{ name: "tag", value, type: "string" }] }, includeOtherFields: true },
});

async function count(table: "checkpoints" | "node_runs", executionId: string): Promise<number> {
  const column = table === "checkpoints" ? sql`thread_id` : sql`execution_id`;
  const [row] = await queryRows<{ count: number }>(testEngine.database.db, sql`select count(*)::int as count from ${sql.raw(table)} where ${column} = ${executionId}`);
  return row.count;
}

describe("executions recorded when they end (deferRecord)", () => {
  it("writes a short side-effect-free run once, at its end, with its node runs and no checkpoint", async () => {
    const execution = await testEngine.engine.start({ workflow: workflowOf([tag("t-{{ $json.n }}")], [["Start", "Tag"]]), input: { n: 7 }, deferRecord: true });
    expect(execution.status).toBe("running");
    expect(await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, execution.id)).toBeUndefined();

    const outcome = await testEngine.engine.run(execution);
    expect(jsonOf(outcome)).toEqual([{ n: 7, tag: "t-7" }]);
    const stored = await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, execution.id);
    expect(stored).toMatchObject({ status: "succeeded", mode: "manual", input: { n: 7 }, output: [{ json: { n: 7, tag: "t-7" }, pairedItem: { item: 0 } }] });
    expect(stored?.finishedAt).toBeInstanceOf(Date);
    expect(stored?.lockedBy).toBeNull();
    expect((await testEngine.nodeRuns(execution.id)).map((run) => [run.nodeName, run.status])).toEqual([
      ["Start", "succeeded"],
      ["Tag", "succeeded"],
    ]);
    expect(await count("checkpoints", execution.id)).toBe(0);
  });

  it("records a failed run with its error and the node runs up to the failure", async () => {
    const workflow = workflowOf([{ name: "Boom", type: "hetumind.stopAndError", parameters: { errorMessage: "stop here" } }], [["Start", "Boom"]]);
    const execution = await testEngine.engine.start({ workflow, deferRecord: true });
    const outcome = await testEngine.engine.run(execution);
    expect(outcome.status).toBe("failed");
    const stored = await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, execution.id);
    expect(stored?.status).toBe("failed");
    expect(stored?.error).toMatchObject({ node: "Boom", message: expect.stringContaining("stop here") });
    expect((await testEngine.nodeRuns(execution.id)).map((run) => [run.nodeName, run.status])).toEqual([
      ["Start", "succeeded"],
      ["Boom", "failed"],
    ]);
  });

  it("records a workflow with a side-effect node before it runs: deferRecord does not apply", async () => {
    const workflow = workflowOf([{ name: "Call", type: "hetumind.httpRequest", parameters: { url: "http://127.0.0.1:9/never" } }], [["Start", "Call"]]);
    const execution = await testEngine.engine.start({ workflow, deferRecord: true });
    expect(await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, execution.id)).toMatchObject({ status: "running" });
    await testEngine.engine.run(execution);
  });

  it("records a run that outlasts its first segment when the segment ends, then finishes it through LangGraph", async () => {
    const { createTestEngine: create } = await import("../helpers/engine");
    // A zero time budget ends the first segment after its first node.
    const slow = await create({ timeBudgetMs: 0 });
    try {
      const workflow = workflowOf([tag("a"), { name: "After", type: "hetumind.noOp" }], [["Start", "Tag"], ["Tag", "After"]]);
      const execution = await slow.engine.start({ workflow, input: { n: 1 }, deferRecord: true });
      const outcome = await slow.engine.run(execution);
      expect(jsonOf(outcome)).toEqual([{ n: 1, tag: "a" }]);
      expect((await getExecution(slow.database.db, DEFAULT_WORKSPACE_ID, execution.id))?.status).toBe("succeeded");
      expect((await slow.nodeRuns(execution.id)).map((run) => run.nodeName)).toEqual(["Start", "Tag", "After"]);
      const [checkpoints] = await queryRows<{ count: number }>(slow.database.db, sql`select count(*)::int as count from checkpoints where thread_id = ${execution.id}`);
      expect(checkpoints.count).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it("group-commits executions that end together: every one is stored with its node runs", async () => {
    const workflow = workflowOf([tag("x{{ $json.i }}")], [["Start", "Tag"]]);
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => testEngine.engine.run(await testEngine.engine.start({ workflow, input: { i }, deferRecord: true }))),
    );
    for (const [i, outcome] of outcomes.entries()) {
      expect(jsonOf(outcome)).toEqual([{ i, tag: `x${i}` }]);
      expect((await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, outcome.executionId))?.status).toBe("succeeded");
      expect(await count("node_runs", outcome.executionId)).toBe(2);
    }
  });

  it("holds new deferred executions back while too many wait for their write, and lets them go once the writes catch up", async () => {
    const writer = new FinishedExecutionWriter(testEngine.database.db, 200, 3);
    const record = (n: number) => ({
      execution: pendingExecution({ workspaceId: DEFAULT_WORKSPACE_ID, workflowSnapshot: workflowOf([], []), mode: "trigger", input: { n }, claim: { workerId: "w", leaseMs: 60_000 } }),
      end: { status: "succeeded" as const, output: [{ n }] },
      runs: [],
    });
    await writer.admit(); // room: at once
    const written = [1, 2, 3].map((n) => record(n));
    const writes = written.map((entry) => writer.write(entry));
    expect(writer.pending).toBe(3);
    let admitted = false;
    const admission = writer.admit().then(() => (admitted = true));
    // The writes start on the next turn of the event loop: until they have caught up, the admission waits.
    for (let tick = 0; tick < 5; tick++) await Promise.resolve();
    expect(admitted).toBe(false);
    await Promise.all(writes);
    await admission;
    expect(admitted).toBe(true);
    expect(writer.pending).toBe(0);
    for (const entry of written) {
      expect(await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, entry.execution.id)).toMatchObject({ status: "succeeded" });
    }
  });
});
