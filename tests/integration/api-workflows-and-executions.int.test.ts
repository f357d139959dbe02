/**
 * /api/v1 workflows and executions, through the route modules' exported handlers with real Requests. The routes use the
 * process-wide database and server engine, so this file puts a test database and an engine with its local driver in
 * their globalThis slots (lib/db/client.ts getDatabase, lib/engine/server-worker.ts) before the first request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as executionsRoute from "@/app/api/v1/executions/route";
import * as executionRoute from "@/app/api/v1/executions/[id]/route";
import * as cancelRoute from "@/app/api/v1/executions/[id]/cancel/route";
import * as retryRoute from "@/app/api/v1/executions/[id]/retry/route";
import * as workflowsRoute from "@/app/api/v1/workflows/route";
import * as importRoute from "@/app/api/v1/workflows/import/route";
import * as workflowRoute from "@/app/api/v1/workflows/[id]/route";
import * as activateRoute from "@/app/api/v1/workflows/[id]/activate/route";
import * as deactivateRoute from "@/app/api/v1/workflows/[id]/deactivate/route";
import * as exportRoute from "@/app/api/v1/workflows/[id]/export/route";
import * as runRoute from "@/app/api/v1/workflows/[id]/run/route";
import * as versionsRoute from "@/app/api/v1/workflows/[id]/versions/route";
import * as versionRoute from "@/app/api/v1/workflows/[id]/versions/[versionId]/route";
import * as restoreRoute from "@/app/api/v1/workflows/[id]/versions/[versionId]/restore/route";
import { signUp } from "@/lib/auth/sign-up";
import { createApiKey } from "@/lib/db/queries/api-keys";
import { createExecution, getExecution } from "@/lib/db/queries/executions";
import { addMembership } from "@/lib/db/queries/memberships";
import { createUser } from "@/lib/db/queries/users";
import { LocalDriver } from "@/lib/engine/drivers/local";
import { Engine } from "@/lib/engine/engine";
import { nodeRegistry } from "@/nodes";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

/** Any route handler: each route has its own params type. */
type Handler = (request: Request, context: { params: Promise<any> }) => Promise<Response>;

let database: TestDatabase;
let driver: LocalDriver;
const keys = { owner: "", editor: "", viewer: "", other: "" };
let otherWorkspaceId = "";
let ownerWorkspaceId = "";

const DB_KEY = Symbol.for("hetumind.database");
const WORKER_KEY = Symbol.for("hetumind.server-worker");
const slots = globalThis as unknown as Record<symbol, unknown>;

beforeAll(async () => {
  database = await createTestDatabase();
  slots[DB_KEY] = Promise.resolve(database);
  const engine = new Engine({ database, registry: nodeRegistry, leaseMs: 5_000, sleep: async () => {} });
  driver = new LocalDriver(engine, database, { pollIntervalMs: 50 });
  await driver.start();
  // A server worker already started (lib/engine/server-worker-state.ts): its engine and its running driver.
  slots[WORKER_KEY] = { engine: Promise.resolve({ engine, database }), worker: Promise.resolve({ engine, driver }) };

  const db = database.db;
  const owner = await signUp(db, { email: "owner@example.com", password: "owner-password-1" });
  ownerWorkspaceId = owner.workspaceId;
  keys.owner = (await createApiKey(db, { workspaceId: owner.workspaceId, userId: owner.user.id, name: "owner" })).key;
  for (const role of ["editor", "viewer"] as const) {
    const user = await createUser(db, { email: `${role}@example.com`, passwordHash: null });
    await addMembership(db, { workspaceId: owner.workspaceId, userId: user.id, role });
    keys[role] = (await createApiKey(db, { workspaceId: owner.workspaceId, userId: user.id, name: role })).key;
  }
  const other = await signUp(db, { email: "other@example.com", password: "other-password-1" });
  otherWorkspaceId = other.workspaceId;
  keys.other = (await createApiKey(db, { workspaceId: other.workspaceId, userId: other.user.id, name: "other" })).key;
});

afterAll(async () => {
  await driver?.stop({ drain: true, timeoutMs: 5_000 });
  delete slots[WORKER_KEY];
  delete slots[DB_KEY];
  await database?.close();
});

function call(handler: Handler, options: { key?: string; method?: string; path?: string; params?: Record<string, string>; body?: unknown; rawBody?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`http://localhost${options.path ?? "/api/v1/x"}`, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  return handler(request, { params: Promise.resolve(options.params ?? {}) });
}

async function json(response: Response, status: number): Promise<any> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return text ? JSON.parse(text) : undefined;
}

/** Manual Trigger -> Set (doubled = n * 2). */
function doubling(name = "Doubler", extra: Record<string, unknown> = {}) {
  return {
    name,
    nodes: [
      { id: "start", name: "Start", type: "hetumind.manualTrigger", parameters: {}, position: [0, 0], typeVersion: 1 },
      {
        id: "set",
        name: "Double",
        type: "hetumind.set",
        parameters: { assignments: { assignments: [{ name: "doubled", value: "={{ $json.n * 2 }}", type: "number" }] } },
        position: [200, 0],
        typeVersion: 1,
      },
    ],
    connections: { Start: { main: [[{ node: "Double", type: "main", index: 0 }]] } },
    settings: {},
    ...extra,
  };
}

function webhookWorkflow(name: string, path: string) {
  return {
    name,
    nodes: [
      { id: "hook", name: "Hook", type: "hetumind.webhook", parameters: { path, httpMethod: "POST" } },
      { id: "noop", name: "Done", type: "hetumind.noOp", parameters: {} },
    ],
    connections: { Hook: { main: [[{ node: "Done", type: "main", index: 0 }]] } },
  };
}

async function create(body: unknown, key = keys.editor): Promise<any> {
  return json(await call(workflowsRoute.POST, { key, body }), 201);
}

describe("auth, roles and workspaces", () => {
  it("answers 401 without credentials and with an unknown key, on reads and writes", async () => {
    expect((await call(workflowsRoute.GET)).status).toBe(401);
    expect((await call(workflowsRoute.POST, { body: doubling() })).status).toBe(401);
    expect((await call(executionsRoute.GET, { key: "hm_not-a-real-key-000000000000000000000000000000" })).status).toBe(401);
  });

  it("lets a viewer read and answers 403 to a viewer's every change", async () => {
    const workflow = await create(doubling("viewer-target"));
    const params = { id: workflow.id };
    expect((await call(workflowsRoute.GET, { key: keys.viewer })).status).toBe(200);
    expect((await call(workflowRoute.GET, { key: keys.viewer, params })).status).toBe(200);
    expect((await call(workflowsRoute.POST, { key: keys.viewer, body: doubling() })).status).toBe(403);
    expect((await call(workflowRoute.PUT, { key: keys.viewer, method: "PUT", params, body: { ...doubling(), versionId: workflow.versionId } })).status).toBe(403);
    expect((await call(workflowRoute.DELETE, { key: keys.viewer, method: "DELETE", params })).status).toBe(403);
    expect((await call(runRoute.POST, { key: keys.viewer, params, body: {} })).status).toBe(403);
    expect((await call(activateRoute.POST, { key: keys.viewer, params, method: "POST" })).status).toBe(403);
    expect((await call(importRoute.POST, { key: keys.viewer, body: doubling() })).status).toBe(403);
  });

  it("answers another workspace's workflow and execution ids exactly as unknown ones (404)", async () => {
    const theirs = await create(doubling("theirs"), keys.other);
    const run = await json(await call(runRoute.POST, { key: keys.other, params: { id: theirs.id }, path: "/run?wait=true", body: { input: { n: 1 } } }), 200);
    const attempts: Array<[Handler, string, unknown?]> = [
      [workflowRoute.GET, "GET"],
      [workflowRoute.PUT, "PUT", { ...doubling(), versionId: theirs.versionId }],
      [workflowRoute.DELETE, "DELETE"],
      [activateRoute.POST, "POST"],
      [deactivateRoute.POST, "POST"],
      [exportRoute.GET, "GET"],
      [versionsRoute.GET, "GET"],
      [runRoute.POST, "POST", {}],
    ];
    for (const [handler, method, body] of attempts) {
      const foreign = await call(handler, { key: keys.owner, method, params: { id: theirs.id }, body });
      const unknown = await call(handler, { key: keys.owner, method, params: { id: "no-such-id" }, body });
      expect(foreign.status, `${method} workflow`).toBe(404);
      expect(unknown.status).toBe(404);
      expect((await foreign.text()).replace(theirs.id, "ID")).toBe((await unknown.text()).replace("no-such-id", "ID"));
    }
    expect((await call(versionRoute.GET, { key: keys.owner, params: { id: theirs.id, versionId: theirs.versionId } })).status).toBe(404);
    for (const [handler, method] of [
      [executionRoute.GET, "GET"],
      [executionRoute.DELETE, "DELETE"],
      [cancelRoute.POST, "POST"],
      [retryRoute.POST, "POST"],
    ] as Array<[Handler, string]>) {
      const foreign = await call(handler, { key: keys.owner, method, params: { id: run.executionId } });
      const unknown = await call(handler, { key: keys.owner, method, params: { id: "no-such-id" } });
      expect(foreign.status, `${method} execution`).toBe(404);
      expect((await foreign.text()).replace(run.executionId, "ID")).toBe((await unknown.text()).replace("no-such-id", "ID"));
    }
    const listed = await json(await call(executionsRoute.GET, { key: keys.owner, path: "/api/v1/executions?limit=100" }), 200);
    expect(listed.data.map((execution: { id: string }) => execution.id)).not.toContain(run.executionId);
    const workflows = await json(await call(workflowsRoute.GET, { key: keys.owner, path: "/api/v1/workflows?limit=100" }), 200);
    expect(workflows.data.map((workflow: { id: string }) => workflow.id)).not.toContain(theirs.id);
    expect(otherWorkspaceId).not.toBe("");
  });
});

describe("bad input", () => {
  it("answers malformed JSON with 400 and the parser's reason", async () => {
    const response = await call(workflowsRoute.POST, { key: keys.editor, rawBody: '{"name": "x", nodes: [' });
    const body = await json(response, 400);
    expect(body.error.code).toBe("invalid_json");
    expect(body.error.message).toMatch(/Malformed JSON/);
  });

  it("answers a schema violation with 422 listing every path and message", async () => {
    const bad = {
      name: "bad",
      nodes: [
        { id: "a", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
        { id: "b", name: "Mystery", type: "hetumind.doesNotExist", parameters: {} },
        { id: "c", name: "Start", type: "hetumind.noOp", parameters: {} },
      ],
      connections: { Ghost: { main: [[{ node: "Start", type: "main", index: 0 }]] } },
    };
    const body = await json(await call(workflowsRoute.POST, { key: keys.editor, body: bad }), 422);
    const paths = body.error.problems.map((problem: { path: string }) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(["nodes[1].type", "nodes[2].name", 'connections["Ghost"]']));
    for (const problem of body.error.problems) expect(problem.message).toEqual(expect.any(String));

    const shape = await json(await call(workflowsRoute.POST, { key: keys.editor, body: { name: 5, nodes: "none" } }), 422);
    expect(shape.error.problems.map((problem: { path: string }) => problem.path)).toEqual(expect.arrayContaining(["name", "nodes"]));

    const created = await create(doubling("for-put"));
    const put = await json(await call(workflowRoute.PUT, { key: keys.editor, method: "PUT", params: { id: created.id }, body: { nodes: "x" } }), 422);
    expect(put.error.problems.map((problem: { path: string }) => problem.path)).toEqual(expect.arrayContaining(["versionId", "nodes"]));

    expect((await call(workflowsRoute.GET, { key: keys.viewer, path: "/api/v1/workflows?limit=0&active=maybe" })).status).toBe(422);
    expect((await call(executionsRoute.GET, { key: keys.viewer, path: "/api/v1/executions?status=sleeping&from=yesterday" })).status).toBe(422);
    expect((await call(workflowsRoute.GET, { key: keys.viewer, path: "/api/v1/workflows?cursor=garbage" })).status).toBe(400);
  });
});

describe("workflows", () => {
  it("create -> update (stale versionId is 409) -> versions -> restore", async () => {
    const created = await create(doubling("Versioned"));
    expect(created).toMatchObject({ name: "Versioned", active: false, versionId: expect.any(String) });
    expect(created.nodes).toHaveLength(2);
    const id = created.id;

    const updated = await json(
      await call(workflowRoute.PUT, { key: keys.editor, method: "PUT", params: { id }, body: { ...doubling("Versioned v2"), versionId: created.versionId } }),
      200,
    );
    expect(updated.name).toBe("Versioned v2");
    expect(updated.versionId).not.toBe(created.versionId);

    const stale = await json(
      await call(workflowRoute.PUT, { key: keys.editor, method: "PUT", params: { id }, body: { ...doubling("lost update"), versionId: created.versionId } }),
      409,
    );
    expect(stale.error.code).toBe("version_conflict");
    expect((await json(await call(workflowRoute.GET, { key: keys.viewer, params: { id } }), 200)).name).toBe("Versioned v2");

    const versions = await json(await call(versionsRoute.GET, { key: keys.viewer, params: { id } }), 200);
    expect(versions.data.map((version: { versionId: string }) => version.versionId)).toEqual([updated.versionId, created.versionId]);
    const first = await json(await call(versionRoute.GET, { key: keys.viewer, params: { id, versionId: created.versionId } }), 200);
    expect(first).toMatchObject({ name: "Versioned", versionId: created.versionId });
    expect(first.nodes).toHaveLength(2);
    expect((await call(versionRoute.GET, { key: keys.viewer, params: { id, versionId: "nope" } })).status).toBe(404);

    const pageOne = await json(await call(versionsRoute.GET, { key: keys.viewer, params: { id }, path: "/v?limit=1" }), 200);
    expect(pageOne.data).toHaveLength(1);
    const pageTwo = await json(await call(versionsRoute.GET, { key: keys.viewer, params: { id }, path: `/v?limit=1&cursor=${pageOne.nextCursor}` }), 200);
    expect(pageTwo.data[0].versionId).toBe(created.versionId);

    const restored = await json(await call(restoreRoute.POST, { key: keys.editor, method: "POST", params: { id, versionId: created.versionId } }), 200);
    expect(restored.name).toBe("Versioned");
    expect(restored.versionId).not.toBe(updated.versionId);
    const after = await json(await call(versionsRoute.GET, { key: keys.viewer, params: { id } }), 200);
    expect(after.data).toHaveLength(3);
    expect(after.data[0].versionId).toBe(restored.versionId);

    expect((await call(workflowRoute.DELETE, { key: keys.editor, method: "DELETE", params: { id } })).status).toBe(204);
    expect((await call(workflowRoute.GET, { key: keys.viewer, params: { id } })).status).toBe(404);
    expect((await call(workflowRoute.DELETE, { key: keys.editor, method: "DELETE", params: { id } })).status).toBe(404);
  });

  it("import -> export round trip keeps the n8n shape", async () => {
    const file = doubling("Imported", { id: "n8n-id-123", active: true, versionId: "n8n-version", meta: { instanceId: "abc" }, pinData: {}, tags: [] });
    const imported = await json(await call(importRoute.POST, { key: keys.editor, body: file }), 201);
    expect(imported.id).not.toBe("n8n-id-123");
    expect(imported.active).toBe(false);
    const exported = await json(await call(exportRoute.GET, { key: keys.viewer, params: { id: imported.id } }), 200);
    expect(exported).toMatchObject({ id: imported.id, name: "Imported", active: false, versionId: imported.versionId, meta: { instanceId: "abc" }, connections: file.connections });
    expect(exported.nodes.map((node: { name: string; position: unknown }) => [node.name, node.position])).toEqual([
      ["Start", [0, 0]],
      ["Double", [200, 0]],
    ]);
    const again = await json(await call(importRoute.POST, { key: keys.editor, body: exported }), 201);
    const reexported = await json(await call(exportRoute.GET, { key: keys.viewer, params: { id: again.id } }), 200);
    expect({ ...reexported, id: "", versionId: "" }).toEqual({ ...exported, id: "", versionId: "" });
  });

  it("activates and deactivates: 422 without an activatable trigger, 409 on a webhook path clash", async () => {
    const manual = await create(doubling("manual only"));
    const refused = await json(await call(activateRoute.POST, { key: keys.editor, method: "POST", params: { id: manual.id } }), 422);
    expect(refused.error.problems[0].code).toBe("no_activatable_trigger");

    const first = await create(webhookWorkflow("hook one", "api-test/orders"));
    const second = await create(webhookWorkflow("hook two", "api-test/orders"));
    expect((await json(await call(activateRoute.POST, { key: keys.editor, method: "POST", params: { id: first.id } }), 200)).active).toBe(true);
    const clash = await json(await call(activateRoute.POST, { key: keys.editor, method: "POST", params: { id: second.id } }), 409);
    expect(clash.error.code).toBe("webhook_conflict");

    const active = await json(await call(workflowsRoute.GET, { key: keys.viewer, path: "/api/v1/workflows?active=true&limit=100" }), 200);
    expect(active.data.map((workflow: { id: string }) => workflow.id)).toEqual([first.id]);

    const deactivated = await json(await call(deactivateRoute.POST, { key: keys.editor, method: "POST", params: { id: first.id } }), 200);
    expect(deactivated.active).toBe(false);
    expect((await json(await call(activateRoute.POST, { key: keys.editor, method: "POST", params: { id: second.id } }), 200)).active).toBe(true);
  });

  it("lists with a name search, the active filter and cursor pagination", async () => {
    const names = ["Alpha report", "Beta report", "Gamma report", "Delta other"];
    for (const name of names) await create(doubling(name), keys.owner);
    const search = await json(await call(workflowsRoute.GET, { key: keys.viewer, path: "/api/v1/workflows?search=REPORT&limit=100" }), 200);
    expect(search.data.map((workflow: { name: string }) => workflow.name)).toEqual(["Gamma report", "Beta report", "Alpha report"]);
    expect(search.nextCursor).toBeNull();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await json(await call(workflowsRoute.GET, { key: keys.viewer, path: `/api/v1/workflows?search=report&limit=2${cursor ? `&cursor=${cursor}` : ""}` }), 200);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((workflow: { name: string }) => workflow.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Gamma report", "Beta report", "Alpha report"]);
    const inactive = await json(await call(workflowsRoute.GET, { key: keys.viewer, path: "/api/v1/workflows?active=false&search=delta" }), 200);
    expect(inactive.data).toMatchObject([{ name: "Delta other", active: false, nodeCount: 2 }]);
  });
});

describe("runs and executions", () => {
  it("runs with wait=true, answers the output, and the execution shows its node runs", async () => {
    const workflow = await create(doubling("Runner"));
    const outcome = await json(await call(runRoute.POST, { key: keys.editor, params: { id: workflow.id }, path: "/run?wait=true", body: { input: { n: 21 } } }), 200);
    expect(outcome.status).toBe("succeeded");
    expect(outcome.output.map((item: { json: unknown }) => item.json)).toEqual([{ n: 21, doubled: 42 }]);

    const execution = await json(await call(executionRoute.GET, { key: keys.viewer, params: { id: outcome.executionId } }), 200);
    expect(execution).toMatchObject({ id: outcome.executionId, workflowId: workflow.id, status: "succeeded", mode: "manual", input: { n: 21 } });
    expect(execution).not.toHaveProperty("workflowSnapshot");
    expect(execution.nodeRuns.map((run: { node: string }) => run.node)).toEqual(["Start", "Double"]);
    const double = execution.nodeRuns[1];
    expect(double).toMatchObject({ status: "succeeded", itemsIn: 1, itemsOut: 1, inputSources: [{ node: "Start", output: 0, run: 0 }], error: null });
    expect(double.durationMs).toEqual(expect.any(Number));
    expect(double.output[0].map((item: { json: unknown }) => item.json)).toEqual([{ n: 21, doubled: 42 }]);
  });

  it("queues a run (202) for the worker", async () => {
    const workflow = await create(doubling("Queued"));
    const queued = await json(await call(runRoute.POST, { key: keys.editor, params: { id: workflow.id }, body: { input: { n: 2 } } }), 202);
    expect(queued).toMatchObject({ executionId: expect.any(String), status: "queued" });
    let status = "queued";
    for (let attempt = 0; attempt < 100 && !["succeeded", "failed"].includes(status); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await json(await call(executionRoute.GET, { key: keys.viewer, params: { id: queued.executionId } }), 200)).status;
    }
    expect(status).toBe("succeeded");
    // A run without a body is a run without input.
    expect((await call(runRoute.POST, { key: keys.editor, params: { id: workflow.id }, path: "/run?wait=true", method: "POST" })).status).toBe(200);
  });

  it("retries from the start (same input, new execution); from the failed node is 422", async () => {
    const failing = await create({
      name: "Failing",
      nodes: [
        { id: "start", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
        { id: "boom", name: "Boom", type: "hetumind.stopAndError", parameters: { errorMessage: "out of stock {{ $json.sku }}" } },
      ],
      connections: { Start: { main: [[{ node: "Boom", type: "main", index: 0 }]] } },
    });
    const failed = await json(await call(runRoute.POST, { key: keys.editor, params: { id: failing.id }, path: "/run?wait=true", body: { input: { sku: "A1" } } }), 200);
    expect(failed.status).toBe("failed");
    const detail = await json(await call(executionRoute.GET, { key: keys.viewer, params: { id: failed.executionId } }), 200);
    expect(detail.nodeRuns.find((run: { node: string }) => run.node === "Boom")).toMatchObject({ status: "failed", error: { message: expect.stringContaining("out of stock") } });

    const unsupported = await json(await call(retryRoute.POST, { key: keys.editor, params: { id: failed.executionId }, body: { from: "failed" } }), 422);
    expect(unsupported.error.problems[0]).toMatchObject({ path: "from", code: "not_supported" });
    expect((await call(retryRoute.POST, { key: keys.viewer, params: { id: failed.executionId }, body: {} })).status).toBe(403);

    const retried = await json(await call(retryRoute.POST, { key: keys.editor, params: { id: failed.executionId }, path: "/retry?wait=true", body: { from: "start" } }), 200);
    expect(retried).toMatchObject({ status: "failed", retryOf: failed.executionId });
    expect(retried.executionId).not.toBe(failed.executionId);
    expect((await json(await call(executionRoute.GET, { key: keys.viewer, params: { id: retried.executionId } }), 200)).input).toEqual({ sku: "A1" });
    expect((await getExecution(database.db, ownerWorkspaceId, retried.executionId))?.mode).toBe("manual");
  });

  it("cancels a queued execution, refuses to cancel or delete what cannot be, and deletes a finished one", async () => {
    const workflow = await create(doubling("Cancellable"));
    const finished = await json(await call(runRoute.POST, { key: keys.editor, params: { id: workflow.id }, path: "/run?wait=true", body: { input: { n: 1 } } }), 200);
    expect((await call(cancelRoute.POST, { key: keys.editor, method: "POST", params: { id: finished.executionId } })).status).toBe(409);

    // An execution another worker holds: not deletable while it runs, and cancel asks it to stop.
    const queued = await createExecution(database.db, { workspaceId: ownerWorkspaceId, workflowId: workflow.id, workflowSnapshot: {}, mode: "manual", claim: { workerId: "elsewhere", leaseMs: 60_000 } });
    expect((await call(executionRoute.DELETE, { key: keys.editor, method: "DELETE", params: { id: queued.id } })).status).toBe(409);
    const cancelled = await json(await call(cancelRoute.POST, { key: keys.editor, method: "POST", params: { id: queued.id } }), 200);
    expect(cancelled).toMatchObject({ id: queued.id, cancelRequested: true });

    expect((await call(executionRoute.DELETE, { key: keys.viewer, method: "DELETE", params: { id: finished.executionId } })).status).toBe(403);
    expect((await call(executionRoute.DELETE, { key: keys.editor, method: "DELETE", params: { id: finished.executionId } })).status).toBe(204);
    expect((await call(executionRoute.GET, { key: keys.viewer, params: { id: finished.executionId } })).status).toBe(404);
  });

  it("lists executions filtered by workflow, status and time range, with a cursor", async () => {
    const workflow = await create(doubling("Listed"));
    const before = new Date(Date.now() - 1000).toISOString();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      ids.push((await json(await call(runRoute.POST, { key: keys.editor, params: { id: workflow.id }, path: "/run?wait=true", body: { input: { n } } }), 200)).executionId);
    }
    const base = `/api/v1/executions?workflowId=${workflow.id}`;
    const all = await json(await call(executionsRoute.GET, { key: keys.viewer, path: base }), 200);
    expect(all.data.map((execution: { id: string }) => execution.id)).toEqual([...ids].reverse());
    expect(all.data[0]).not.toHaveProperty("input");

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await json(await call(executionsRoute.GET, { key: keys.viewer, path: `${base}&limit=2${cursor ? `&cursor=${cursor}` : ""}` }), 200);
      seen.push(...page.data.map((execution: { id: string }) => execution.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    expect((await json(await call(executionsRoute.GET, { key: keys.viewer, path: `${base}&status=failed` }), 200)).data).toEqual([]);
    expect((await json(await call(executionsRoute.GET, { key: keys.viewer, path: `${base}&status=failed,succeeded` }), 200)).data).toHaveLength(3);
    expect((await json(await call(executionsRoute.GET, { key: keys.viewer, path: `${base}&from=${encodeURIComponent(before)}` }), 200)).data).toHaveLength(3);
    expect((await json(await call(executionsRoute.GET, { key: keys.viewer, path: `${base}&to=${encodeURIComponent(before)}` }), 200)).data).toHaveLength(0);
  });
});
