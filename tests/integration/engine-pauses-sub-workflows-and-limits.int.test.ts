import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkflow } from "@/lib/db/queries/workflows";
import { getExecution, requestCancel } from "@/lib/db/queries/executions";
import { getPendingApprovals } from "@/lib/db/queries/approvals";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { LocalDriver } from "@/lib/engine/drivers/local";
import { ExecutionStateError } from "@/lib/errors";
import { startEchoServer, type EchoServer } from "../fixtures/http-echo-server";
import { createTestEngine, jsonOf, workflowOf, type TestEngine } from "../helpers/engine";
import { TEST_DATABASE_DRIVERS } from "../helpers/db";

let echo: EchoServer;
beforeAll(async () => {
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  echo = await startEchoServer();
});
afterAll(async () => {
  delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
  await echo?.close();
});

describe.each(TEST_DATABASE_DRIVERS)("engine pauses, sub-workflows and limits (%s)", (driver) => {
  let testEngine: TestEngine;
  beforeAll(async () => {
    testEngine = await createTestEngine({ driver });
  });
  afterAll(async () => {
    await testEngine?.close();
  });

  const approvalWorkflow = workflowOf(
    [
      { name: "Review", type: "hetumind.humanApproval", parameters: { message: "Ship {{ $json.version }}?" } },
      { name: "Shipped", type: "hetumind.noOp" },
      { name: "Held", type: "hetumind.noOp" },
    ],
    [["Start", "Review"], ["Review", "Shipped", 0], ["Review", "Held", 1]],
  );

  it("pauses for a human, records an approval, and resumes on the rejected branch with the comment", async () => {
    const paused = await testEngine.run(approvalWorkflow, { version: "1.2" });
    expect(paused).toMatchObject({ status: "waiting", pause: { kind: "approval", message: "Ship 1.2?", data: [{ version: "1.2" }] } });
    const [approval] = await getPendingApprovals(testEngine.database.db, DEFAULT_WORKSPACE_ID, paused.executionId);
    expect(approval).toMatchObject({ nodeName: "Review", message: "Ship 1.2?", status: "pending" });

    await testEngine.engine.decide(DEFAULT_WORKSPACE_ID, paused.executionId, { approve: false, comment: "not on a Friday" });
    const resumed = await testEngine.engine.run(await testEngine.engine.claim(DEFAULT_WORKSPACE_ID, paused.executionId));
    expect(jsonOf(resumed)).toEqual([{ version: "1.2", _rejection: "not on a Friday" }]);
    const ran = (await testEngine.nodeRuns(paused.executionId)).map((run) => run.nodeName);
    expect(ran).toEqual(["Start", "Review", "Held"]);
  });

  it("refuses a decision on an execution that is not waiting, and changes nothing", async () => {
    const done = await testEngine.run(workflowOf([], []));
    const before = await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, done.executionId);
    await expect(testEngine.engine.decide(DEFAULT_WORKSPACE_ID, done.executionId, { approve: true })).rejects.toThrow(ExecutionStateError);
    await expect(testEngine.engine.decide(DEFAULT_WORKSPACE_ID, done.executionId, { approve: true })).rejects.toThrow(/is succeeded, not waiting for a decision/);
    const after = await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, done.executionId);
    expect(after).toEqual(before);
  });

  it("waits durably: a timed Wait becomes a due row that the local driver resumes", async () => {
    const paused = await testEngine.run(
      workflowOf(
        [
          { name: "Wait", type: "hetumind.wait", parameters: { amount: 1, unit: "seconds" } },
          { name: "After", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "waited", value: true, type: "boolean" }] } } },
        ],
        [["Start", "Wait"], ["Wait", "After"]],
      ),
    );
    expect(paused).toMatchObject({ status: "waiting", pause: { kind: "timer" } });
    const row = await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, paused.executionId);
    expect(row?.status).toBe("waiting");
    expect(row?.waitUntil?.getTime()).toBeGreaterThan(Date.now() - 1000);
    const driver = new LocalDriver(testEngine.engine, testEngine.database);
    await driver.runUntilIdle();
    expect((await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, paused.executionId))?.status).toBe("waiting");
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (row?.waitUntil?.getTime() ?? 0) - Date.now() + 100)));
    await driver.runUntilIdle();
    const finished = await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, paused.executionId);
    expect(finished).toMatchObject({ status: "succeeded", output: [{ json: { waited: true }, pairedItem: { item: 0 } }] });
  });

  it("runs a stored workflow as a sub-workflow and records the child execution", async () => {
    const child = await createWorkflow(testEngine.database.db, {
      workspaceId: DEFAULT_WORKSPACE_ID,
      name: "times ten",
      definition: workflowOf([{ name: "Times", type: "hetumind.set", parameters: { include: "none", assignments: { assignments: [{ name: "n", value: "={{ $json.n * 10 }}", type: "number" }] } } }], [["Start", "Times"]]) as Record<string, unknown>,
    });
    const parent = await testEngine.run(
      workflowOf([{ name: "Call", type: "hetumind.executeWorkflow", parameters: { source: "database", workflowId: child.id } }], [["Start", "Call"]]),
      [{ n: 1 }, { n: 2 }],
    );
    expect(jsonOf(parent)).toEqual([{ n: 10 }, { n: 20 }]);
    const missing = await testEngine.run(workflowOf([{ name: "Call", type: "hetumind.executeWorkflow", parameters: { workflowId: "nope" } }], [["Start", "Call"]]));
    expect(missing).toMatchObject({ status: "failed", error: { node: "Call", message: expect.stringMatching(/nope/) } });
  });

  it("retries with a new idempotency key per attempt, one per item", async () => {
    echo.reset();
    const outcome = await testEngine.run(
      workflowOf([{ name: "Flaky", type: "hetumind.httpRequest", retryOnFail: true, maxTries: 3, parameters: { url: `${echo.url}/status/503` } }], [["Start", "Flaky"]]),
    );
    expect(outcome).toMatchObject({ status: "failed", error: { node: "Flaky", message: expect.stringMatching(/503/) } });
    expect(Object.keys(echo.idempotencyCounts()).sort()).toEqual([1, 2, 3].map((attempt) => `${outcome.executionId}:Flaky:${attempt}:0`));
  });

  it("stops at the execution timeout with a clear error", async () => {
    const outcome = await testEngine.run(
      workflowOf([{ name: "Slow", type: "hetumind.httpRequest", parameters: { url: `${echo.url}/delay/5000` } }], [["Start", "Slow"]], { executionTimeout: 1 }),
    );
    expect(outcome).toMatchObject({ status: "failed", error: { code: "execution_timeout", message: expect.stringMatching(/timeout of 1 s/) } });
  });

  it("cancels a running execution at its next step", async () => {
    echo.reset();
    const running = testEngine.run(
      workflowOf(
        [
          { name: "Slow", type: "hetumind.httpRequest", parameters: { url: `${echo.url}/delay/4000` } },
          { name: "Never", type: "hetumind.httpRequest", parameters: { url: `${echo.url}/never` } },
        ],
        [["Start", "Slow"], ["Slow", "Never"]],
      ),
    );
    while (!echo.requests().some((request) => request.path.startsWith("/delay"))) await new Promise((resolve) => setTimeout(resolve, 20));
    const [execution] = (await testEngine.database.db.query.executions.findMany({ where: (table, { eq }) => eq(table.status, "running") }));
    await requestCancel(testEngine.database.db, DEFAULT_WORKSPACE_ID, execution.id);
    const outcome = await running;
    expect(outcome).toMatchObject({ status: "cancelled", error: { code: "execution_cancelled" } });
    expect(echo.requests().map((request) => request.path)).not.toContain("/never");
    expect((await getExecution(testEngine.database.db, DEFAULT_WORKSPACE_ID, outcome.executionId))?.status).toBe("cancelled");
  });
});
