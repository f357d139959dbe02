/**
 * Per-node fixtures, n8n style: every `tests/fixtures/nodes/<node-folder>/<case>.json` is one workflow run through the real
 * engine (one engine, one database for the whole file), with the final items or the failure it must end with.
 *
 * A fixture:
 *   {
 *     "description": "what it proves",
 *     "workflow": { "name"?, "nodes": [...], "connections": {...}, "settings"? },   // node ids and positions may be left out
 *     "input"?: <json handed to the trigger>,
 *     "expect": {
 *       "status": "succeeded",
 *       "output": [ ...json of the final items... ],            // the last node's first non-empty output
 *       "nodeOutputs"?: { "<node>": [[...json on output 0...], [...on output 1...]] },   // that node's last run
 *       "runs"?: { "<node>": <how many times it ran> }
 *     }
 *     or "expect": { "status": "failed", "error": { "node": "<name>", "messageMatches": "<regex>", "code"?: "<code>" } }
 *   }
 * The string "<executionId>" anywhere in `expect` stands for the id of the execution the fixture ran as.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Item } from "@/lib/workflow/items";
import type { WorkflowInput } from "@/lib/workflow/schema";
import { createTestEngine, type TestEngine } from "../helpers/engine";

const FIXTURES = path.resolve(__dirname, "../fixtures/nodes");

const json = z.json();
const fixtureSchema = z.strictObject({
  description: z.string().min(1),
  workflow: z.looseObject({
    name: z.string().optional(),
    nodes: z.array(z.looseObject({ name: z.string(), type: z.string(), id: z.string().optional() })).min(1),
    connections: z.record(z.string(), z.unknown()).default({}),
  }),
  input: json.optional(),
  expect: z.discriminatedUnion("status", [
    z.strictObject({
      status: z.literal("succeeded"),
      output: z.array(json),
      nodeOutputs: z.record(z.string(), z.array(z.array(json))).optional(),
      runs: z.record(z.string(), z.number().int().min(0)).optional(),
    }),
    z.strictObject({
      status: z.literal("failed"),
      error: z.strictObject({ node: z.string(), messageMatches: z.string(), code: z.string().optional() }),
      runs: z.record(z.string(), z.number().int().min(0)).optional(),
    }),
  ]),
});

type Fixture = z.infer<typeof fixtureSchema>;

interface FixtureFile {
  folder: string;
  name: string;
  file: string;
}

function fixtureFiles(): FixtureFile[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((folder) =>
      readdirSync(path.join(FIXTURES, folder.name))
        .filter((name) => name.endsWith(".json"))
        .sort()
        .map((name) => ({ folder: folder.name, name: name.replace(/\.json$/, ""), file: path.join(FIXTURES, folder.name, name) })),
    )
    .sort((a, b) => a.folder.localeCompare(b.folder) || a.name.localeCompare(b.name));
}

function loadFixture(file: string): Fixture {
  const parsed = fixtureSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file} is not a valid fixture:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Ids and positions are noise in a fixture: fill them in. */
function workflowFromFixture(fixture: Fixture, label: string): WorkflowInput {
  const nodes = fixture.workflow.nodes.map((node, index) => ({ id: node.id ?? `n${index}`, position: [index * 200, 0], parameters: {}, ...node }));
  return { name: `fixture ${label}`, ...fixture.workflow, nodes } as WorkflowInput;
}

function replacePlaceholders(value: unknown, executionId: string): unknown {
  if (value === "<executionId>") return executionId;
  if (Array.isArray(value)) return value.map((entry) => replacePlaceholders(entry, executionId));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, replacePlaceholders(entry, executionId)]));
  }
  return value;
}

let testEngine: TestEngine;
beforeAll(async () => {
  testEngine = await createTestEngine();
});
afterAll(async () => {
  await testEngine?.close();
});

async function checkRuns(executionId: string, expected: Record<string, number> | undefined): Promise<void> {
  if (!expected) return;
  const runs = await testEngine.nodeRuns(executionId);
  const counts = Object.fromEntries(Object.keys(expected).map((name) => [name, runs.filter((run) => run.nodeName === name).length]));
  expect(counts, "how many times each node ran").toEqual(expected);
}

async function checkNodeOutputs(executionId: string, expected: Record<string, unknown[][]> | undefined): Promise<void> {
  if (!expected) return;
  const runs = await testEngine.nodeRuns(executionId);
  const actual: Record<string, unknown[][] | undefined> = {};
  for (const name of Object.keys(expected)) {
    const last = runs.filter((run) => run.nodeName === name).at(-1);
    const output = last?.output as Array<Item[] | null> | null | undefined;
    actual[name] = output?.map((list) => (list ?? []).map((item) => item.json));
  }
  expect(actual, "the outputs of the named nodes (last run)").toEqual(expected);
}

const files = fixtureFiles();

/** Folders under tests/fixtures/nodes that must hold fixtures (HTTP Request, Execute Workflow and Human Approval have their own tests). */
const CORE_FOLDERS = [
  "aggregate",
  "code",
  "expressions",
  "filter",
  "if",
  "loop-over-items",
  "manual-trigger",
  "merge",
  "no-op",
  "set",
  "split-out",
  "stop-and-error",
  "switch",
  "wait",
];

describe("node fixtures", () => {
  it("has at least two fixtures for every core node, and for expressions", () => {
    const counts = Object.fromEntries(CORE_FOLDERS.map((folder) => [folder, files.filter((file) => file.folder === folder).length]));
    for (const folder of CORE_FOLDERS) expect(counts[folder], folder).toBeGreaterThanOrEqual(2);
    const nodeFolders = readdirSync(path.resolve(__dirname, "../../nodes"), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    for (const folder of new Set(files.map((file) => file.folder))) expect([...nodeFolders, "expressions"], "a fixture folder is named after a node folder").toContain(folder);
  });

  for (const folder of [...new Set(files.map((file) => file.folder))]) {
    describe(folder, () => {
      for (const { name, file } of files.filter((entry) => entry.folder === folder)) {
        const fixture = loadFixture(file);
        it(`${name}: ${fixture.description}`, async () => {
          const outcome = await testEngine.engine.startAndRun({ workflow: workflowFromFixture(fixture, `${folder}/${name}`), input: fixture.input, mode: "manual" });
          const expected = replacePlaceholders(fixture.expect, outcome.executionId) as Fixture["expect"];
          if (expected.status === "succeeded") {
            const detail = outcome.status === "failed" || outcome.status === "cancelled" ? `: ${outcome.error.message}` : "";
            expect(outcome.status, `status${detail}`).toBe("succeeded");
            if (outcome.status !== "succeeded") return;
            expect(outcome.output.map((item) => item.json)).toEqual(expected.output);
            await checkNodeOutputs(outcome.executionId, expected.nodeOutputs);
          } else {
            expect(outcome.status).toBe("failed");
            if (outcome.status !== "failed") return;
            expect(outcome.error.node).toBe(expected.error.node);
            expect(outcome.error.message).toMatch(new RegExp(expected.error.messageMatches));
            if (expected.error.code !== undefined) expect(outcome.error.code).toBe(expected.error.code);
          }
          await checkRuns(outcome.executionId, expected.runs);
        });
      }
    });
  }
});
