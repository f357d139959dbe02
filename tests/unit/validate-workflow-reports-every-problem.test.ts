import { describe, expect, it } from "vitest";
import { nodeRegistry } from "@/nodes";
import { validateWorkflow } from "@/lib/workflow/validate";
import { parseJsonText } from "@/lib/workflow/parse-json";
import { WorkflowParseError } from "@/lib/errors";

const trigger = { id: "t", name: "Start", type: "hetumind.manualTrigger", position: [0, 0], parameters: {} };

function problemsOf(workflow: unknown) {
  const result = validateWorkflow(workflow, nodeRegistry);
  return result.ok ? [] : result.problems;
}

describe("validateWorkflow", () => {
  it("accepts a valid chain", () => {
    const result = validateWorkflow(
      {
        name: "ok",
        nodes: [trigger, { id: "n", name: "Pass", type: "hetumind.noOp", parameters: {} }],
        connections: { Start: { main: [[{ node: "Pass", type: "main", index: 0 }]] } },
      },
      nodeRegistry,
    );
    expect(result.ok).toBe(true);
  });

  it("reports every problem at once with node, path and reason", () => {
    const problems = problemsOf({
      name: "broken",
      nodes: [
        { id: "a", name: "Mystery", type: "hetumind.doesNotExist", parameters: {} },
        { id: "b", name: "Keep", type: "hetumind.filter", parameters: { conditions: { combinator: "xor", conditions: [] } } },
        { id: "c", name: "Split", type: "hetumind.splitOut", parameters: { fieldToSplitOut: 42 } },
      ],
      connections: {
        Keep: { main: [[{ node: "Nowhere", type: "main", index: 0 }]] },
        Ghost: { main: [[{ node: "Keep", type: "main", index: 0 }]] },
        Split: { ai_tool: [[{ node: "Keep", type: "ai_tool", index: 0 }]] },
      },
    });
    const byCode = (code: string) => problems.filter((problem) => problem.code === code);
    expect(byCode("unknown_type")).toEqual([expect.objectContaining({ node: "Mystery", path: "nodes[0].type", message: expect.stringContaining("hetumind.doesNotExist") })]);
    expect(byCode("parameter").map((problem) => problem.path)).toEqual(
      expect.arrayContaining(["nodes[1].parameters.conditions.combinator", "nodes[1].parameters.conditions.conditions", "nodes[2].parameters.fieldToSplitOut"]),
    );
    expect(byCode("parameter").find((problem) => problem.path.endsWith("fieldToSplitOut"))?.node).toBe("Split");
    expect(byCode("dangling_connection").map((problem) => problem.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('"Nowhere"'), expect.stringContaining('"Ghost"')]),
    );
    expect(byCode("kind_not_emitted")[0]).toMatchObject({ node: "Split", path: 'connections["Split"].ai_tool[0]' });
    expect(byCode("no_trigger")).toHaveLength(1);
  });

  it("accepts expressions where the schema wants another type, and checks them at run time", () => {
    const result = validateWorkflow(
      {
        nodes: [trigger, { id: "w", name: "Wait", type: "hetumind.wait", parameters: { amount: "={{ $json.seconds }}" } }],
        connections: { Start: { main: [[{ node: "Wait", type: "main", index: 0 }]] } },
      },
      nodeRegistry,
    );
    expect(result.ok).toBe(true);
  });

  it("names the nodes of a cycle that passes no loop node", () => {
    const problems = problemsOf({
      nodes: [trigger, { id: "1", name: "A", type: "hetumind.noOp" }, { id: "2", name: "B", type: "hetumind.noOp" }],
      connections: {
        Start: { main: [[{ node: "A", type: "main", index: 0 }]] },
        A: { main: [[{ node: "B", type: "main", index: 0 }]] },
        B: { main: [[{ node: "A", type: "main", index: 0 }]] },
      },
    });
    expect(problems).toEqual([expect.objectContaining({ code: "cycle", message: expect.stringMatching(/"A" -> "B" -> "A"/) })]);
  });

  it("allows a cycle through Loop Over Items", () => {
    const result = validateWorkflow(
      {
        nodes: [trigger, { id: "l", name: "Loop", type: "hetumind.splitInBatches", parameters: { batchSize: 2 } }, { id: "b", name: "Body", type: "hetumind.noOp" }],
        connections: {
          Start: { main: [[{ node: "Loop", type: "main", index: 0 }]] },
          Loop: { main: [[], [{ node: "Body", type: "main", index: 0 }]] },
          Body: { main: [[{ node: "Loop", type: "main", index: 0 }]] },
        },
      },
      nodeRegistry,
    );
    expect(result.problems).toEqual([]);
  });

  it("refuses a kind the target does not accept and an input index it does not have", () => {
    const problems = problemsOf({
      nodes: [trigger, { id: "m", name: "Merge", type: "hetumind.merge" }, { id: "n", name: "Pass", type: "hetumind.noOp" }],
      connections: {
        Start: { main: [[{ node: "Merge", type: "main", index: 2 }, { node: "Pass", type: "ai_languageModel", index: 0 }]] },
      },
    });
    expect(problems.map((problem) => problem.code).sort()).toEqual(["kind_mismatch", "no_such_input"]);
  });

  it("reports the schema path of a malformed document", () => {
    const problems = problemsOf({ name: "x", nodes: [{ id: "a", name: "" , type: "hetumind.noOp" }], connections: [] });
    expect(problems.map((problem) => problem.path)).toEqual(expect.arrayContaining(["nodes[0].name", "connections"]));
  });
});

describe("parseJsonText", () => {
  it("reports the line and column of invalid JSON", () => {
    const text = '{\n  "name": "x",\n  "nodes": [,]\n}';
    let error: unknown;
    try {
      parseJsonText(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WorkflowParseError);
    expect(error).toMatchObject({ line: 3, column: 13 });
    expect((error as Error).message).toMatch(/line 3, column 13/);
  });
});
