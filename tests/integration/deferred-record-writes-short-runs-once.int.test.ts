import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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

  it("records a workflow with a side-effect node at once, and runs the node only once its row is written", async () => {
    // The server looks the execution up when the node's request arrives.
    const seen: Array<string | undefined> = [];
    const server = createServer((request, response) => {
      const id = new URL(request.url ?? "/", "http://x").searchParams.get("execution") ?? "";
      void getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, id).then((row) => {
        seen.push(row?.status);
        response.end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const allowed = process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
    process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/?execution={{ $execution.id }}`;
      const workflow = workflowOf([{ name: "Call", type: "hetumind.httpRequest", parameters: { url } }], [["Start", "Call"]]);
      const execution = await testEngine.engine.start({ workflow, deferRecord: true });
      expect((await testEngine.engine.run(execution)).status).toBe("succeeded");
      expect(seen).toEqual(["running"]);
      expect((await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, execution.id))?.status).toBe("succeeded");
    } finally {
      if (allowed === undefined) delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
      else process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = allowed;
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("fails the run when the row of a workflow with side effects cannot be written: its node never runs, nothing is left", async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      response.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const workflow = workflowOf([{ name: "Call", type: "hetumind.httpRequest", parameters: { url, options: { allowPrivateNetwork: true } } }], [["Start", "Call"]]);
      // No such workflow: the row's foreign key refuses it.
      const execution = await testEngine.engine.start({ workflow, workflowId: "no-such-workflow", deferRecord: true });
      const outcome = await testEngine.engine.run(execution);
      expect(outcome.status).toBe("failed");
      expect(outcome.status === "failed" && outcome.error).toMatchObject({ code: "execution_not_recorded", message: expect.stringMatching(/could not be recorded: .*foreign key/) });
      expect(outcome.status === "failed" && outcome.error.message).not.toContain("insert into");
      expect(requests).toBe(0);
      expect(await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, execution.id)).toBeUndefined();
      expect(await count("node_runs", execution.id)).toBe(0);
      expect(await count("checkpoints", execution.id)).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
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
