/**
 * The `hetumind` CLI as real processes (bin/hetumind.mjs through tsx), each test on its own temporary data directory.
 * A process costs seconds (tsx, and PGlite for commands that open the database), so each test checks several things and
 * independent processes run side by side.
 */
import { existsSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDirectory, writeJson } from "../helpers/cli";

const TIMEOUT = 180_000;

function environment(directory: string): Record<string, string> {
  return { HETUMIND_DATA_DIR: path.join(directory, "data") };
}

const main = (node: string, index = 0) => ({ node, type: "main", index });

const greetWorkflow = {
  name: "cli greet",
  nodes: [
    { id: "start", name: "Start", type: "hetumind.manualTrigger", position: [0, 0], parameters: {} },
    {
      id: "greet",
      name: "Greet",
      type: "hetumind.set",
      position: [200, 0],
      parameters: { assignments: { assignments: [{ name: "greeting", value: "Hello {{ $json.name }}" }] } },
    },
  ],
  connections: { Start: { main: [[main("Greet")]] } },
};

const failingWorkflow = {
  name: "cli fails",
  nodes: [
    { id: "start", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
    { id: "explode", name: "Explode", type: "hetumind.stopAndError", parameters: { errorMessage: "kaboom {{ $json.n }}" } },
  ],
  connections: { Start: { main: [[main("Explode")]] } },
};

describe("hetumind validate", () => {
  it("exits 0 for a valid file; for a broken one prints every problem with node, path and reason, and exits 1", { timeout: TIMEOUT }, async () => {
    const directory = tempDirectory();
    const valid = writeJson(directory, "valid.json", greetWorkflow);
    const broken = writeJson(directory, "broken.json", {
      name: "broken",
      nodes: [
        { id: "a", name: "Mystery", type: "hetumind.doesNotExist", parameters: {} },
        { id: "b", name: "Split", type: "hetumind.splitOut", parameters: { fieldToSplitOut: 42 } },
      ],
      connections: { Split: { main: [[main("Nowhere")]] } },
    });
    const [ok, bad] = await Promise.all([runCli(["validate", valid], environment(directory)), runCli(["validate", broken], environment(directory))]);

    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid: 2 nodes/);

    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid: 4 problems/);
    expect(bad.stderr).toContain('node "Mystery" at nodes[0].type: unknown node type "hetumind.doesNotExist"');
    expect(bad.stderr).toMatch(/node "Split" at nodes\[1\]\.parameters\.fieldToSplitOut: .*expected string/);
    expect(bad.stderr).toContain('node "Split" at connections["Split"].main[0][0]: connection to a node that does not exist: "Nowhere"');
    expect(bad.stderr).toMatch(/nodes: the workflow has no trigger node/);
    // Validation never opens the database.
    expect(existsSync(path.join(directory, "data"))).toBe(false);
  });

  it("locates invalid JSON by line and column (exit 1), and says a missing file is missing (exit 2)", { timeout: TIMEOUT }, async () => {
    const directory = tempDirectory();
    const notJson = path.join(directory, "not-json.json");
    writeFileSync(notJson, '{\n  "nodes": [\n    {"id": 1,}\n  ]\n}\n');
    const missing = path.join(directory, "missing.json");
    const [invalid, absent] = await Promise.all([runCli(["validate", notJson], environment(directory)), runCli(["validate", missing], environment(directory))]);

    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/Invalid JSON at line 3, column 14/);
    expect(invalid.stderr).not.toMatch(/unexpected error/);

    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain(`cannot read ${missing}: no such file`);
    expect(absent.stderr).not.toMatch(/unexpected error|at .*\.ts:\d+/);
  });
});

describe("hetumind run and executions", () => {
  it("prints output items as JSON with --input reaching the trigger and --trace on stderr; a failure exits 1 naming the node; executions lists by status", { timeout: TIMEOUT }, async () => {
    const directory = tempDirectory();
    const env = environment(directory);
    const greet = writeJson(directory, "greet.json", greetWorkflow);
    const failing = writeJson(directory, "failing.json", failingWorkflow);

    const ran = await runCli(["run", greet, "--input", '[{"name":"Ada"},{"name":"Bob"}]', "--trace"], env);
    expect(ran.stderr).not.toMatch(/unexpected error/);
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual([
      { name: "Ada", greeting: "Hello Ada" },
      { name: "Bob", greeting: "Hello Bob" },
    ]);
    // One line per node run, in order: status, milliseconds, items in -> out, node name.
    const trace = ran.stderr.split("\n").filter((line) => /^(succeeded|failed)\s/.test(line));
    expect(trace).toHaveLength(2);
    expect(trace[0]).toMatch(/^succeeded\s+\d+\.\d{2} ms\s+2 -> 2\s+Start$/);
    expect(trace[1]).toMatch(/^succeeded\s+\d+\.\d{2} ms\s+2 -> 2\s+Greet$/);

    // Logs off: the report line itself must name the node.
    const failed = await runCli(["run", failing, "--input", '{"n": 3}'], { ...env, HETUMIND_LOG_LEVEL: "silent" });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toMatch(/^Execution [0-9a-f-]{36} failed at node "Explode": kaboom 3$/m);
    const failedId = /Execution ([0-9a-f-]{36}) failed/.exec(failed.stderr)?.[1];

    const listed = await runCli(["executions", "--status", "succeeded"], env);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<{ id: string; status: string; mode: string; error: unknown }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "succeeded", mode: "cli", error: null });
    expect(rows[0].id).not.toBe(failedId);
  });

  it("refuses bad --input JSON (exit 2) before opening the database; unknown commands exit 2 with usage; --help exits 0", { timeout: TIMEOUT }, async () => {
    const directory = tempDirectory();
    const env = environment(directory);
    const greet = writeJson(directory, "greet.json", greetWorkflow);
    const [badInput, unknown, help] = await Promise.all([
      runCli(["run", greet, "--input", "{name: Ada}"], env),
      runCli(["frobnicate", greet], env),
      runCli(["--help"], env),
    ]);

    expect(badInput.code).toBe(2);
    expect(badInput.stderr).toMatch(/--input is not valid JSON: Invalid JSON at line 1, column 2/);
    expect(badInput.stdout).toBe("");
    expect(existsSync(path.join(directory, "data"))).toBe(false);

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain("hetumind <command>");

    expect(help.code).toBe(0);
    for (const command of ["validate", "run", "worker", "executions", "resume", "import", "export"]) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(help.stdout).toContain("--trace");
  });
});

describe("hetumind import and export", () => {
  it("round-trips a workflow: export gives back the imported nodes and connections, plus the id import printed", { timeout: TIMEOUT }, async () => {
    const directory = tempDirectory();
    const env = environment(directory);
    const file = writeJson(directory, "greet.json", greetWorkflow);

    const imported = await runCli(["import", file], env);
    expect(imported.stderr).not.toMatch(/unexpected error/);
    expect(imported.code).toBe(0);
    const id = imported.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const exported = await runCli(["export", id], env);
    expect(exported.code).toBe(0);
    const workflow = JSON.parse(exported.stdout) as Record<string, unknown>;
    expect(workflow).toMatchObject({ id, name: greetWorkflow.name });
    expect(workflow.nodes).toEqual(greetWorkflow.nodes);
    expect(workflow.connections).toEqual(greetWorkflow.connections);

    const unknownId = randomUUID();
    const missing = await runCli(["export", unknownId], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no workflow with id ${unknownId}`);
  });
});
