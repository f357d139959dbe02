import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getExecution, listExecutions } from "@/lib/db/queries/executions";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { LocalDriver } from "@/lib/engine/drivers/local";
import { createTestEngine, type TestEngine } from "../helpers/engine";
import { chain, saveWorkflow } from "../helpers/triggers";

const W = DEFAULT_WORKSPACE_ID;
let testEngine: TestEngine;
let errorWorkflowId: string;
beforeAll(async () => {
  testEngine = await createTestEngine();
  errorWorkflowId = await saveWorkflow(testEngine, chain({ name: "On error", type: "hetumind.errorTrigger" }, [{ name: "Report", type: "hetumind.noOp" }]), "Error handler");
});
afterAll(async () => {
  await testEngine?.close();
});

const failing = () =>
  chain({ name: "Start", type: "hetumind.manualTrigger" }, [{ name: "Fine", type: "hetumind.noOp" }, { name: "Boom", type: "hetumind.stopAndError", parameters: { errorMessage: "out of stock" } }], {
    errorWorkflow: errorWorkflowId,
  });

describe("error workflow", () => {
  it("runs the workflow's error workflow with the failed execution's id, node and error", async () => {
    const failedWorkflowId = await saveWorkflow(testEngine, failing(), "Orders");
    const outcome = await testEngine.engine.startAndRun({ workflow: { ...failing(), id: failedWorkflowId, name: "Orders" }, workflowId: failedWorkflowId, mode: "trigger" });
    expect(outcome.status).toBe("failed");
    await new LocalDriver(testEngine.engine, testEngine.database).runUntilIdle();

    const [run] = await listExecutions(testEngine.database.db, W, { workflowId: errorWorkflowId });
    const handled = await getExecution(testEngine.database.db, W, run.id);
    expect(handled?.status).toBe("succeeded");
    expect(handled?.output).toEqual([
      {
        json: {
          execution: { id: outcome.executionId, lastNodeExecuted: "Boom", mode: "trigger", error: expect.objectContaining({ message: expect.stringContaining("out of stock"), node: "Boom" }) },
          workflow: { id: failedWorkflowId, name: "Orders" },
        },
      },
    ]);
  });

  it("does not run for a manual run (the editor shows the error) nor for a succeeded one", async () => {
    const before = (await listExecutions(testEngine.database.db, W, { workflowId: errorWorkflowId })).length;
    expect((await testEngine.engine.startAndRun({ workflow: failing(), mode: "manual" })).status).toBe("failed");
    const fine = chain({ name: "Start", type: "hetumind.manualTrigger" }, [], { errorWorkflow: errorWorkflowId });
    expect((await testEngine.engine.startAndRun({ workflow: fine, mode: "trigger" })).status).toBe("succeeded");
    await new LocalDriver(testEngine.engine, testEngine.database).runUntilIdle();
    expect(await listExecutions(testEngine.database.db, W, { workflowId: errorWorkflowId })).toHaveLength(before);
  });
});
