import { describe, expect, it } from "vitest";
import path from "node:path";
import { runCli, tempDirectory, writeJson } from "../helpers/cli";

describe("hetumind run with Execute Workflow", () => {
  it("runs a sub-workflow named by its file and returns its output", async () => {
    const directory = tempDirectory();
    const child = writeJson(directory, "child.json", {
      name: "double",
      nodes: [
        { id: "s", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
        { id: "d", name: "Double", type: "hetumind.set", parameters: { include: "none", assignments: { assignments: [{ name: "n", value: "={{ $json.n * 2 }}", type: "number" }] } } },
      ],
      connections: { Start: { main: [[{ node: "Double", type: "main", index: 0 }]] } },
    });
    const parent = writeJson(directory, "parent.json", {
      name: "calls double",
      nodes: [
        { id: "s", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
        { id: "c", name: "Call", type: "hetumind.executeWorkflow", parameters: { source: "localFile", workflowPath: child } },
      ],
      connections: { Start: { main: [[{ node: "Call", type: "main", index: 0 }]] } },
    });
    const broken = writeJson(directory, "broken.json", {
      name: "calls a missing file",
      nodes: [
        { id: "s", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
        { id: "m", name: "Missing", type: "hetumind.executeWorkflow", parameters: { source: "localFile", workflowPath: path.join(directory, "nope.json") } },
      ],
      connections: { Start: { main: [[{ node: "Missing", type: "main", index: 0 }]] } },
    });
    const env = { HETUMIND_DATA_DIR: path.join(directory, "data") };
    const result = await runCli(["run", parent, "--input", '[{"n": 2}, {"n": 5}]', "--trace"], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ n: 4 }, { n: 10 }]);
    expect(result.stderr).toMatch(/succeeded\s+[\d.]+ ms\s+2 -> 2\s+Call/);
    const failed = await runCli(["run", broken], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Missing.*nope\.json/);
  });
});
