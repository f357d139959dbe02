/**
 * n8n exports imported the ways users import them — the API's import handler, the CLI — then run by the engine:
 * webhook -> set -> if -> respond answers like it did in n8n, and the all-core-nodes workflow (code, split out,
 * filter, loop, set, switch, merge, aggregate, a disabled placeholder) computes the same result.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/authenticate";
import { importWorkflowHandler } from "@/lib/api/workflows/handlers";
import { createUser } from "@/lib/db/queries/users";
import { getWorkflow } from "@/lib/db/queries/workflows";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { convertN8nWorkflow } from "@/lib/n8n/import";
import { activateWorkflow } from "@/lib/triggers/activation";
import { handleWebhook } from "@/lib/triggers/webhooks";
import { nodeRegistry } from "@/nodes";
import { runCli, tempDirectory, writeJson } from "../helpers/cli";
import { createTestEngine, jsonOf, type TestEngine } from "../helpers/engine";
import { runtimeOf } from "../helpers/triggers";

const FIXTURES = path.resolve(__dirname, "../fixtures/n8n");
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8")) as Record<string, unknown>;

let testEngine: TestEngine;
let principal: Principal;
beforeAll(async () => {
  testEngine = await createTestEngine();
  const user = await createUser(testEngine.database.db, { email: `n8n-import-${randomUUID()}@example.com`, passwordHash: null });
  principal = { userId: user.id, workspaceId: DEFAULT_WORKSPACE_ID, role: "editor", via: "apiKey" };
});
afterAll(async () => {
  await testEngine?.close();
});

const post = (pathname: string, body: unknown) =>
  handleWebhook(new Request(`http://localhost/api/webhooks/${pathname}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }), {
    test: false,
    runtime: runtimeOf(testEngine),
  });

describe("an imported n8n webhook workflow", () => {
  it("imports through the API handler with its report, activates, and answers each If branch through Respond to Webhook", async () => {
    const body = await importWorkflowHandler(testEngine.database.db, principal, fixture("webhook-set-if-respond.json"));
    expect(body).toMatchObject({ name: "Order triage (webhook -> set -> if -> respond)", active: false, importReport: { format: "n8n", unsupported: [], credentials: [] } });
    expect(body.id).not.toBe("Xq3LmN8pR2sT4uVw");
    expect((body.importReport as { mapped: unknown[] }).mapped).toHaveLength(5);
    const id = String(body.id);
    expect((await getWorkflow(testEngine.database.db, DEFAULT_WORKSPACE_ID, id))?.definition).toMatchObject({ nodes: expect.any(Array), pinData: expect.any(Object) });
    await activateWorkflow(testEngine.database.db, DEFAULT_WORKSPACE_ID, id);

    const big = await post("n8n-import/orders", { id: "A-1", quantity: 3, price: 50, customer: { name: "Ada" } });
    expect(big.status).toBe(201);
    expect(big.headers.get("x-route")).toBe("sales");
    expect(await big.json()).toEqual({ orderId: "A-1", route: "sales", customer: "Customer Ada" });

    const small = await post("n8n-import/orders", { id: "B-2", quantity: 1, price: 5, customer: { name: "Bo" } });
    expect(small.status).toBe(200);
    expect(await small.json()).toEqual({ orderId: "B-2", total: 5, customer: "Customer Bo" });
  });
});

describe("the imported all-core-nodes workflow", () => {
  it("runs from its Manual Trigger to the same result as in n8n; the disabled Slack placeholder passes items through", async () => {
    const { workflow } = convertN8nWorkflow(fixture("core-nodes.json"), nodeRegistry);
    const outcome = await testEngine.run(workflow);
    expect(jsonOf(outcome)).toEqual([{ id: [1, 2], total: [60, 500] }]);
    const runs = await testEngine.nodeRuns(outcome.executionId);
    const ran = new Set(runs.map((run) => run.nodeName));
    for (const name of ["Orders", "Split Out", "In stock", "Loop Over Items", "Add total", "Region", "EU", "US", "Merge", "Aggregate", "Notify Slack", "Done"]) expect(ran).toContain(name);
    for (const name of ["Wait a minute", "Report unknown region", "Stop"]) expect(ran).not.toContain(name);
  });
});

describe("hetumind import <n8n export>", () => {
  it("prints the new id on stdout and the import report on stderr", { timeout: 180_000 }, async () => {
    const directory = tempDirectory();
    const file = writeJson(directory, "core-nodes.json", fixture("core-nodes.json"));
    const result = await runCli(["import", file], { HETUMIND_DATA_DIR: path.join(directory, "data") });
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.stderr).toContain("Imported from n8n: 23 node(s) mapped, 2 kept disabled.");
    expect(result.stderr).toContain('disabled  "Notify Slack" (n8n-nodes-base.slack v2.3): no equivalent node type in Hetumind');
    expect(result.stderr).toContain('credential to fill  "Report unknown region" httpHeaderAuth "Ops API key": expects httpHeaderAuth (placeholder:Hh1Aa2Bb3Cc4Dd5E)');
  });
});

describe("hetumind validate <n8n export>", () => {
  it("validates the export as it would import, with the report on stderr", { timeout: 180_000 }, async () => {
    const directory = tempDirectory();
    const file = writeJson(directory, "ai-nodes.json", fixture("ai-nodes.json"));
    const result = await runCli(["validate", file], { HETUMIND_DATA_DIR: path.join(directory, "data") });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("valid: 22 nodes");
    expect(result.stderr).toContain('disabled  "Answer questions with a vector store" (@n8n/n8n-nodes-langchain.toolVectorStore v1)');
  });
});
