/**
 * Issue 4's "done when", against the real app (`next start` on the production build with a fresh data directory, tests/helpers/next-server.ts) and
 * over HTTP only: a new user signs up, creates an API key, and with `Authorization: Bearer hm_...` imports a workflow
 * with a Webhook trigger, activates it, calls its webhook, lists the executions and reads the one it made with per-node
 * data, stores a credential whose secret never comes back, and fetches the OpenAPI document. Then every /api/v1 route
 * answers 405 to a method its module does not export (Next's own answer, which in-process tests cannot see).
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli";
import { E2E_SETUP_TIMEOUT_MS, startNextServer, type NextServer } from "../helpers/next-server";

let server: NextServer;

beforeAll(async () => {
  server = await startNextServer();
}, E2E_SETUP_TIMEOUT_MS); // may build the app first (tests/helpers/next-server.ts)

afterAll(async () => {
  await server?.stop();
});

const SECRET_MARKER = `walkthrough-secret-${randomUUID()}`;

/** Webhook (POST walkthrough/orders, answers with the last node's output) -> Edit Fields (adds `tag`) -> No Op. */
const hookWorkflow = {
  name: "Orders hook",
  nodes: [
    { id: "a", name: "Hook", type: "hetumind.webhook", typeVersion: 1, position: [0, 0], parameters: { path: "walkthrough/orders", httpMethod: "POST", responseMode: "lastNode" } },
    { id: "b", name: "Tag", type: "hetumind.set", typeVersion: 1, position: [200, 0], parameters: { assignments: { assignments: [{ name: "tag", value: "={{ 'n=' + $json.body.n }}", type: "string" }] }, include: "none" } },
    { id: "c", name: "Done", type: "hetumind.noOp", typeVersion: 1, position: [400, 0], parameters: {} },
  ],
  connections: {
    Hook: { main: [[{ node: "Tag", type: "main", index: 0 }]] },
    Tag: { main: [[{ node: "Done", type: "main", index: 0 }]] },
  },
  settings: {},
};

async function call(method: string, route: string, options: { key?: string; cookie?: string; body?: unknown } = {}): Promise<{ status: number; text: string; json: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${server.url}${route}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), redirect: "manual" });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, headers: response.headers };
}

describe("a new user, over HTTP with an API key: import, activate, webhook, executions, credential, OpenAPI", { timeout: 300_000 }, () => {
  let key = "";
  let workflowId = "";
  let executionId = "";

  it("signs up (signed in at once) and creates an API key, shown once", async () => {
    const signUp = await call("POST", "/api/auth/sign-up", { body: { email: "walker@example.com", password: "a long enough password" } });
    expect(signUp.status, signUp.text).toBe(201);
    expect(signUp.json).toMatchObject({ role: "owner", firstUser: true });
    const cookie = signUp.headers.get("set-cookie")!.split(";")[0];

    const created = await call("POST", "/api/v1/workspace/api-keys", { cookie, body: { name: "walkthrough" } });
    expect(created.status, created.text).toBe(201);
    key = created.json.key;
    expect(key).toMatch(/^hm_/);
    const listed = await call("GET", "/api/v1/workspace/api-keys", { key });
    expect(listed.status).toBe(200);
    expect(listed.json.data).toEqual([expect.objectContaining({ id: created.json.apiKey.id, name: "walkthrough", prefix: created.json.apiKey.prefix })]);
    expect(listed.text).not.toContain(key);
    // Without the key (or with a wrong one) the API answers 401.
    expect((await call("GET", "/api/v1/workflows")).status).toBe(401);
    expect((await call("GET", "/api/v1/workflows", { key: `${key.slice(0, -4)}0000` })).status).toBe(401);
  });

  it("imports the workflow JSON and activates it", async () => {
    const imported = await call("POST", "/api/v1/workflows/import", { key, body: { ...hookWorkflow, id: "from-another-instance", active: true } });
    expect(imported.status, imported.text).toBe(201);
    workflowId = imported.json.id;
    expect(workflowId).not.toBe("from-another-instance");
    expect(imported.json).toMatchObject({ name: "Orders hook", active: false });

    // Not active yet: its production URL is 404.
    expect((await call("POST", "/api/webhooks/walkthrough/orders", { body: { n: 1 } })).status).toBe(404);

    const activated = await call("POST", `/api/v1/workflows/${workflowId}/activate`, { key });
    expect(activated.status, activated.text).toBe(200);
    expect(activated.json).toMatchObject({ id: workflowId, active: true });
    const listed = await call("GET", "/api/v1/workflows?active=true", { key });
    expect(listed.json.data.map((workflow: { id: string }) => workflow.id)).toEqual([workflowId]);
  });

  it("calls the webhook and gets the last node's output", async () => {
    const response = await call("POST", "/api/webhooks/walkthrough/orders", { body: { n: 7 } });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toEqual({ tag: "n=7" });
    executionId = response.headers.get("x-hetumind-execution-id") ?? "";
    expect(executionId).not.toBe("");
  });

  it("lists the executions and reads the one it made with per-node input, output and timing", async () => {
    const listed = await call("GET", `/api/v1/executions?workflowId=${workflowId}&status=succeeded`, { key });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.data).toEqual([expect.objectContaining({ id: executionId, workflowId, mode: "trigger", status: "succeeded" })]);

    const execution = await call("GET", `/api/v1/executions/${executionId}`, { key });
    expect(execution.status, execution.text).toBe(200);
    expect(execution.json).toMatchObject({ id: executionId, status: "succeeded", workflowId });
    const runs = execution.json.nodeRuns as Array<Record<string, any>>;
    expect(runs.map((run) => run.node)).toEqual(["Hook", "Tag", "Done"]);
    for (const run of runs) {
      expect(run).toMatchObject({ status: "succeeded", itemsOut: 1, error: null });
      expect(typeof run.durationMs).toBe("number");
      expect(Date.parse(run.startedAt)).not.toBeNaN();
    }
    expect(runs[0].output[0][0].json.body).toEqual({ n: 7 });
    expect(runs[1]).toMatchObject({ itemsIn: 1, inputSources: [{ node: "Hook", output: 0, run: 0 }] });
    expect(runs[1].output[0][0].json).toEqual({ tag: "n=7" });
  });

  it("stores a credential whose secret never comes back", async () => {
    const created = await call("POST", "/api/v1/credentials", { key, body: { name: "Orders API", type: "httpHeaderAuth", data: { name: "X-Api-Key", value: SECRET_MARKER } } });
    expect(created.status, created.text).toBe(201);
    expect(created.json.data).toEqual({ name: "X-Api-Key", value: { set: true } });
    const id = created.json.id;
    const answers = [
      created,
      await call("GET", `/api/v1/credentials/${id}`, { key }),
      await call("GET", "/api/v1/credentials", { key }),
      await call("PATCH", `/api/v1/credentials/${id}`, { key, body: { name: "Orders API (renamed)" } }),
      await call("POST", `/api/v1/credentials/${id}/test`, { key }),
    ];
    for (const answer of answers) {
      expect(answer.status, answer.text).toBeLessThan(300);
      expect(answer.text).not.toContain(SECRET_MARKER);
    }
    expect(answers[1].json).toMatchObject({ id, name: "Orders API", type: "httpHeaderAuth", data: { name: "X-Api-Key", value: { set: true } } });
    expect(answers[3].json).toMatchObject({ name: "Orders API (renamed)", data: { value: { set: true } } });
    expect(server.logs()).not.toContain(SECRET_MARKER);
  });

  it("serves the OpenAPI 3.1 document describing these routes", async () => {
    const response = await call("GET", "/api/v1/openapi.json");
    expect(response.status).toBe(200);
    expect(response.json.openapi).toBe("3.1.0");
    for (const route of ["/api/v1/workflows/import", "/api/v1/workflows/{id}/activate", "/api/v1/executions/{id}", "/api/v1/credentials", "/api/v1/workspace/api-keys"]) {
      expect(Object.keys(response.json.paths), route).toContain(route);
    }
    expect(response.json.components.securitySchemes).toHaveProperty("bearer");
  });
});

/** Every app/api/v1 route file with the methods its module exports, read from the source (no import: no database here). */
function v1Routes(): Array<{ route: string; methods: string[] }> {
  const appDirectory = path.join(REPO_ROOT, "app");
  const walk = (directory: string): string[] =>
    readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(directory, entry.name);
      return entry.isDirectory() ? walk(full) : entry.name === "route.ts" ? [full] : [];
    });
  return walk(path.join(appDirectory, "api", "v1")).map((file) => {
    const route = `/${path.relative(appDirectory, path.dirname(file)).split(path.sep).join("/")}`;
    const methods = [...readFileSync(file, "utf8").matchAll(/^export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/gm)].map((match) => match[1]);
    return { route, methods };
  });
}

describe("wrong method on a running server", { timeout: 900_000 }, () => {
  it("every /api/v1 route answers 405 to a method its module does not export", async () => {
    const routes = v1Routes();
    expect(routes.length).toBeGreaterThan(20);
    for (const { route, methods } of routes) {
      expect(methods.length, route).toBeGreaterThan(0);
      const wrong = ["PATCH", "PUT", "DELETE", "POST", "GET"].find((method) => !methods.includes(method))!;
      const url = route.replace(/\[(\w+)\]/g, () => randomUUID());
      // No auth needed: Next answers before any of our code runs.
      const response = await call(wrong, url, { body: wrong === "GET" ? undefined : {} });
      expect(response.status, `${wrong} ${route}: ${response.text.slice(0, 200)}\nserver log:\n${server.logs().slice(-3000)}`).toBe(405);
    }
  });
});
