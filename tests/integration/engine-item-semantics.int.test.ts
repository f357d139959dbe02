import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "@/lib/db/client";
import { listNodeRuns } from "@/lib/db/queries/node-runs";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { createTestEngine, jsonOf, workflowOf, type TestEngine } from "../helpers/engine";

let testEngine: TestEngine;
beforeAll(async () => {
  testEngine = await createTestEngine();
});
afterAll(async () => {
  await testEngine?.close();
});

const number = (leftValue: string, operation: string, rightValue: number) => ({
  combinator: "and",
  conditions: [{ leftValue, rightValue, operator: { type: "number", operation } }],
});

describe("the engine runs n8n item semantics durably", () => {
  it("runs a chain, records one node run per node, and writes no checkpoint for a run that ends in its first segment", async () => {
    const outcome = await testEngine.run(
      workflowOf(
        [
          { name: "A", type: "hetumind.noOp" },
          { name: "B", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "greeting", value: "hi {{ $json.name }}", type: "string" }] } } },
        ],
        [["Start", "A"], ["A", "B"]],
      ),
      { name: "Ada" },
    );
    expect(jsonOf(outcome)).toEqual([{ name: "Ada", greeting: "hi Ada" }]);
    const runs = await testEngine.nodeRuns(outcome.executionId);
    expect(runs.map((run) => [run.nodeName, run.status, run.itemsIn, run.itemsOut])).toEqual([
      ["Start", "succeeded", 1, 1],
      ["A", "succeeded", 1, 1],
      ["B", "succeeded", 1, 1],
    ]);
    expect(runs[2].output).toEqual([[{ json: { name: "Ada", greeting: "hi Ada" }, pairedItem: { item: 0 } }]]);
    expect(runs[2].input).toEqual([{ node: "A", output: 0, run: 0 }]);
    // The first segment runs outside LangGraph; a run that ends there is recorded by its row and node runs alone.
    const [checkpoints] = await queryRows<{ count: number }>(testEngine.database.db, sql`select count(*)::int as count from checkpoints where thread_id = ${outcome.executionId}`);
    expect(checkpoints.count).toBe(0);
  });

  it("routes items through If; an empty branch does not activate what follows; Merge waits for what can still arrive", async () => {
    const workflow = workflowOf(
      [
        { name: "Big?", type: "hetumind.if", parameters: { conditions: number("={{ $json.v }}", "gt", 4) } },
        { name: "Tag big", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "size", value: "big" }] } } },
        { name: "Tag small", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "size", value: "small" }] } } },
        { name: "Merge", type: "hetumind.merge", parameters: { mode: "append" } },
      ],
      [["Start", "Big?"], ["Big?", "Tag big", 0], ["Big?", "Tag small", 1], ["Tag big", "Merge", 0, 0], ["Tag small", "Merge", 0, 1]],
    );
    const both = await testEngine.run(workflow, [{ v: 1 }, { v: 9 }, { v: 5 }]);
    expect(jsonOf(both)).toEqual([{ v: 9, size: "big" }, { v: 5, size: "big" }, { v: 1, size: "small" }]);
    const stored = (await listNodeRuns(testEngine.database.db, DEFAULT_WORKSPACE_ID, both.executionId)).find((run) => run.nodeName === "Big?");
    expect(stored?.output).toEqual([{ $input: 0, positions: [1, 2] }, { $input: 0, positions: [0] }]);
    const expanded = (await testEngine.nodeRuns(both.executionId)).find((run) => run.nodeName === "Big?");
    expect(expanded?.output).toEqual([
      [{ json: { v: 9 }, pairedItem: { item: 1 } }, { json: { v: 5 }, pairedItem: { item: 2 } }],
      [{ json: { v: 1 }, pairedItem: { item: 0 } }],
    ]);
    const onlyBig = await testEngine.run(workflow, [{ v: 7 }]);
    expect(jsonOf(onlyBig)).toEqual([{ v: 7, size: "big" }]);
    const ran = (await testEngine.nodeRuns(onlyBig.executionId)).map((run) => run.nodeName);
    expect(ran).not.toContain("Tag small");
    expect(ran.filter((name) => name === "Merge")).toHaveLength(1);
  });

  it("turns Loop Over Items as a real cycle until every batch is done", async () => {
    const outcome = await testEngine.run(
      workflowOf(
        [
          { name: "Loop", type: "hetumind.splitInBatches", parameters: { batchSize: 2 } },
          { name: "Double", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "double", value: "={{ $json.n * 2 }}", type: "number" }] } } },
          { name: "Done", type: "hetumind.noOp" },
        ],
        [["Start", "Loop"], ["Loop", "Done", 0], ["Loop", "Double", 1], ["Double", "Loop"]],
      ),
      [1, 2, 3, 4, 5].map((n) => ({ n })),
    );
    expect(jsonOf(outcome)).toEqual([1, 2, 3, 4, 5].map((n) => ({ n, double: n * 2 })));
    const runs = await testEngine.nodeRuns(outcome.executionId);
    expect(runs.filter((run) => run.nodeName === "Double")).toHaveLength(3);
    expect(runs.filter((run) => run.nodeName === "Loop").map((run) => run.runIndex)).toEqual([0, 1, 2, 3]);
  });

  it("routes with Switch (fallback output), filters, splits out and aggregates", async () => {
    const outcome = await testEngine.run(
      workflowOf(
        [
          { name: "Split", type: "hetumind.splitOut", parameters: { fieldToSplitOut: "orders" } },
          { name: "Keep paid", type: "hetumind.filter", parameters: { conditions: { combinator: "and", conditions: [{ leftValue: "={{ $json.paid }}", operator: { type: "boolean", operation: "true" } }] } } },
          {
            name: "Route",
            type: "hetumind.switch",
            parameters: {
              rules: { values: [{ conditions: { combinator: "and", conditions: [{ leftValue: "={{ $json.country }}", rightValue: "FR", operator: { type: "string", operation: "equals" } }] } }] },
              options: { fallbackOutput: "extra" },
            },
          },
          { name: "Collect", type: "hetumind.aggregate", parameters: { fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: "id" }] } } },
        ],
        [["Start", "Split"], ["Split", "Keep paid"], ["Keep paid", "Route"], ["Route", "Collect", 1]],
      ),
      { orders: [{ id: 1, paid: true, country: "FR" }, { id: 2, paid: false, country: "DE" }, { id: 3, paid: true, country: "DE" }, { id: 4, paid: true, country: "US" }] },
    );
    expect(jsonOf(outcome)).toEqual([{ id: [3, 4] }]);
  });

  it("retries a failing node and continues past an error when told to", async () => {
    const failing = { name: "Fail", type: "hetumind.stopAndError", parameters: { errorMessage: "boom" } };
    const failed = await testEngine.run(workflowOf([{ ...failing, retryOnFail: true, maxTries: 3 }], [["Start", "Fail"]]));
    expect(failed.status).toBe("failed");
    expect(failed.status === "failed" && failed.error).toMatchObject({ node: "Fail", message: "boom", code: "stopped_by_workflow" });
    const runs = await testEngine.nodeRuns(failed.executionId);
    expect(runs.at(-1)).toMatchObject({ nodeName: "Fail", status: "failed", attempt: 3 });

    const badNumber = { name: "Convert", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "n", value: "abc", type: "number" }] } } };
    const continued = await testEngine.run(
      workflowOf([{ ...badNumber, onError: "continue" }, { name: "After", type: "hetumind.noOp" }], [["Start", "Convert"], ["Convert", "After"]]),
    );
    expect(jsonOf(continued)).toEqual([{ error: expect.stringMatching(/Convert.*field "n": "abc" is not a number/) }]);
  });

  it("fails with the node, parameter and expression when an expression throws", async () => {
    const outcome = await testEngine.run(
      workflowOf([{ name: "Bad", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "x", value: "={{ $json.missing.deeper }}" }] } } }], [["Start", "Bad"]]),
    );
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.node).toBe("Bad");
    expect(outcome.error.message).toMatch(/Bad/);
    expect(outcome.error.message).toMatch(/\$json\.missing\.deeper/);
    expect(outcome.error.message).toMatch(/assignments/);
  });

  it("keeps no node outputs with saveExecution none, and keeps the timing", async () => {
    const outcome = await testEngine.run(workflowOf([{ name: "A", type: "hetumind.noOp" }], [["Start", "A"]], { saveExecution: "none" }), { secret: 1 });
    const runs = await testEngine.nodeRuns(outcome.executionId);
    expect(runs).toHaveLength(2);
    expect(runs.every((run) => run.output === null && run.durationMs >= 0)).toBe(true);
  });
});
