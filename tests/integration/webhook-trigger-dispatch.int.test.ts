import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getExecution } from "@/lib/db/queries/executions";
import { listWebhookRoutes } from "@/lib/db/queries/webhook-routes";
import { getWorkflow } from "@/lib/db/queries/workflows";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { activateWorkflow, deactivateWorkflow } from "@/lib/triggers/activation";
import { WebhookConflictError } from "@/lib/triggers/errors";
import { listenForTestWebhook } from "@/lib/triggers/test-webhooks";
import { handleWebhook } from "@/lib/triggers/webhooks";
import { createTestEngine, type TestEngine } from "../helpers/engine";
import { chain, runtimeOf, saveWorkflow } from "../helpers/triggers";

const W = DEFAULT_WORKSPACE_ID;
let testEngine: TestEngine;
const call = (path: string, init: RequestInit = {}, test = false) =>
  handleWebhook(new Request(`http://localhost/api/${test ? "webhooks-test" : "webhooks"}/${path}`, init), { test, runtime: runtimeOf(testEngine) });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });

let echoId: string;
beforeAll(async () => {
  testEngine = await createTestEngine();
  // POST orders/:id with a header key, answering with the trigger's item (lastNode).
  echoId = await saveWorkflow(
    testEngine,
    chain(
      { name: "Hook", type: "hetumind.webhook", parameters: { path: "orders/:id", httpMethod: "POST", authentication: "headerAuth", headerAuth: { name: "X-Key", value: "s3cret" }, responseMode: "lastNode" } },
      [{ name: "Echo", type: "hetumind.noOp" }],
    ),
  );
  await activateWorkflow(testEngine.database.db, W, echoId);
});
afterAll(async () => {
  delete process.env.HETUMIND_WEBHOOK_MAX_BODY;
  await testEngine?.close();
});

describe("webhook activation", () => {
  it("refuses a second active workflow on the same method and path with a conflict, and changes nothing", async () => {
    const clashId = await saveWorkflow(testEngine, chain({ name: "Other", type: "hetumind.webhook", parameters: { path: "/orders/:id/", httpMethod: "POST" } }));
    const attempt = activateWorkflow(testEngine.database.db, W, clashId);
    await expect(attempt).rejects.toThrow(WebhookConflictError);
    await expect(activateWorkflow(testEngine.database.db, W, clashId)).rejects.toMatchObject({ code: "webhook_conflict", fields: { method: "POST", path: "orders/:id" } });
    expect((await getWorkflow(testEngine.database.db, W, clashId))?.active).toBe(false);
    expect(await listWebhookRoutes(testEngine.database.db, W, clashId)).toEqual([]);
  });

  it("a deactivated workflow's URL answers 404, and answers again once reactivated", async () => {
    const id = await saveWorkflow(testEngine, chain({ name: "Ping", type: "hetumind.webhook", parameters: { path: "ping", responseMode: "lastNode" } }));
    await activateWorkflow(testEngine.database.db, W, id);
    expect((await call("ping")).status).toBe(200);
    await deactivateWorkflow(testEngine.database.db, W, id);
    const gone = await call("ping");
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error: { code: "webhook_not_found" } });
    await activateWorkflow(testEngine.database.db, W, id);
    expect((await call("ping")).status).toBe(200);
  });
});

describe("webhook requests", () => {
  it("answers 404 for a path no active workflow listens on", async () => {
    expect((await post("nowhere", {})).status).toBe(404);
  });

  it("answers 405 with Allow for a method the route does not take", async () => {
    const response = await call("orders/7", { method: "GET" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 401 when the auth header is missing or wrong, and runs nothing", async () => {
    expect((await post("orders/7", { n: 1 })).status).toBe(401);
    expect((await post("orders/7", { n: 1 }, { "x-key": "wrong" })).status).toBe(401);
  });

  it("checks basic auth", async () => {
    const id = await saveWorkflow(testEngine, chain({ name: "Basic", type: "hetumind.webhook", parameters: { path: "basic", authentication: "basicAuth", basicAuth: { user: "ann", password: "pw" }, responseMode: "lastNode" } }));
    await activateWorkflow(testEngine.database.db, W, id);
    const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
    const denied = await call("basic", { headers: basic("ann", "nope") });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toContain("Basic");
    const allowed = await call("basic", { headers: basic("ann", "pw") });
    expect(allowed.status).toBe(200);
    // The credential that authenticated the request is not stored with the execution.
    expect((await allowed.json()).headers.authorization).toBeUndefined();
  });

  it("answers 413 for a body over HETUMIND_WEBHOOK_MAX_BODY, declared or streamed", async () => {
    process.env.HETUMIND_WEBHOOK_MAX_BODY = "64";
    try {
      expect((await post("orders/7", { pad: "x".repeat(100) }, { "x-key": "s3cret" })).status).toBe(413);
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`{"pad":"${"y".repeat(100)}"}`));
          controller.close();
        },
      });
      const streamed = await call("orders/7", { method: "POST", body: stream, headers: { "x-key": "s3cret", "content-type": "application/json" }, duplex: "half" } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(await streamed.json()).toMatchObject({ error: { code: "payload_too_large", limit: 64 } });
    } finally {
      delete process.env.HETUMIND_WEBHOOK_MAX_BODY;
    }
  });

  it("answers 400 for malformed JSON", async () => {
    const response = await call("orders/7", { method: "POST", body: "{nope", headers: { "content-type": "application/json", "x-key": "s3cret" } });
    expect(response.status).toBe(400);
  });

  it("lastNode: answers with the last node's output, built from headers, path params, query and body", async () => {
    const response = await post("orders/42?expand=items&tag=a&tag=b", { n: 7 }, { "x-key": "s3cret", "x-trace": "t1" });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ params: { id: "42" }, query: { expand: "items", tag: ["a", "b"] }, body: { n: 7 }, headers: { "x-trace": "t1" } });
    expect(body.headers["x-key"]).toBeUndefined();
    const execution = await getExecution(testEngine.database.db, W, response.headers.get("x-hetumind-execution-id")!);
    expect(execution).toMatchObject({ status: "succeeded", mode: "trigger", workflowId: echoId });
  });

  it("onReceived: answers 202 with the execution id at once; the execution runs to the end", async () => {
    const id = await saveWorkflow(testEngine, chain({ name: "Fire", type: "hetumind.webhook", parameters: { path: "fire", httpMethod: "POST" } }, [{ name: "Done", type: "hetumind.noOp" }]));
    await activateWorkflow(testEngine.database.db, W, id);
    const response = await post("fire", { a: 1 });
    expect(response.status).toBe(202);
    const { executionId } = await response.json();
    expect(executionId).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(async () => (await getExecution(testEngine.database.db, W, executionId))?.status, { timeout: 5_000 }).toBe("succeeded");
  });

  it("responseNode: the Respond to Webhook node's status, headers and body arrive as set", async () => {
    const id = await saveWorkflow(
      testEngine,
      chain({ name: "In", type: "hetumind.webhook", parameters: { path: "bench", httpMethod: "POST", responseMode: "responseNode" } }, [
        { name: "Tag", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "tag", value: "t-{{ $json.body.n }}", type: "string" }] }, includeOtherFields: true } },
        {
          name: "Reply",
          type: "hetumind.respondToWebhook",
          parameters: { respondWith: "json", responseCode: 201, responseHeaders: [{ name: "X-Branch", value: "big" }], responseBody: { tag: "={{ $json.tag }}", n: "={{ $json.body.n }}" } },
        },
        { name: "After", type: "hetumind.noOp" },
      ]),
    );
    await activateWorkflow(testEngine.database.db, W, id);
    const response = await post("bench", { n: 7 });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-branch")).toBe("big");
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ tag: "t-7", n: 7 });
    const executionId = response.headers.get("x-hetumind-execution-id")!;
    await expect.poll(async () => (await getExecution(testEngine.database.db, W, executionId))?.status, { timeout: 5_000 }).toBe("succeeded");
  });

  it("responseNode: a text answer with no Content-Type given gets text/plain", async () => {
    const id = await saveWorkflow(
      testEngine,
      chain({ name: "T", type: "hetumind.webhook", parameters: { path: "text", responseMode: "responseNode" } }, [
        { name: "Say", type: "hetumind.respondToWebhook", parameters: { respondWith: "text", responseBody: "hello {{ $json.query.who }}", responseCode: 200 } },
      ]),
    );
    await activateWorkflow(testEngine.database.db, W, id);
    const response = await call("text?who=you");
    expect(response.headers.get("content-type")).toContain("text/plain");
    expect(await response.text()).toBe("hello you");
  });

  it("test URLs answer only while the editor listens, once per listen, for inactive workflows too", async () => {
    const id = await saveWorkflow(testEngine, chain({ name: "Draft", type: "hetumind.webhook", parameters: { path: "draft", responseMode: "lastNode" } }));
    expect((await call("draft", {}, true)).status).toBe(404);
    listenForTestWebhook(W, id, 60_000);
    const served = await call("draft?x=1", {}, true);
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ query: { x: "1" } });
    expect((await getExecution(testEngine.database.db, W, served.headers.get("x-hetumind-execution-id")!))?.mode).toBe("manual");
    expect((await call("draft", {}, true)).status).toBe(404);
    // The production URL does not serve an inactive workflow.
    expect((await call("draft")).status).toBe(404);
  });
});
