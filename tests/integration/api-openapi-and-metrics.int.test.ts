/** The OpenAPI 3.1 document (built from the RouteSpecs) and the Prometheus scrape at /api/metrics. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as openApiGet } from "../../app/api/v1/openapi.json/route";
import { allRouteSpecs } from "../../lib/api/openapi";
import { insertNodeRuns } from "../../lib/db/queries/node-runs";
import { DEFAULT_WORKSPACE_ID, executions } from "../../lib/db/schema";
import { metricsRoute, observeWebhookLatency } from "../../lib/observability";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

describe("OpenAPI document", () => {
  it("parses, is 3.1.x, lists the credentials and workspace paths (and workflows/executions when plugged in)", async () => {
    const response = await openApiGet(new Request("http://localhost/api/v1/openapi.json"), { params: Promise.resolve({}) });
    expect(response.status).toBe(200);
    const document = JSON.parse(await response.text());
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["bearer", "cookie"]);
    for (const path of [
      "/api/v1/credentials",
      "/api/v1/credentials/{id}",
      "/api/v1/credentials/{id}/test",
      "/api/v1/credential-types",
      "/api/v1/workspace/members",
      "/api/v1/workspace/members/{userId}",
      "/api/v1/workspace/invites",
      "/api/v1/workspace/invites/accept",
      "/api/v1/workspace/api-keys",
      "/api/v1/workspace/api-keys/{id}",
      "/api/v1/workspace/switch",
    ]) {
      expect(document.paths, path).toHaveProperty([path]);
    }
    for (const spec of allRouteSpecs()) expect(document.paths[spec.path], `${spec.method} ${spec.path}`).toHaveProperty(spec.method);
    const create = document.paths["/api/v1/credentials"].post;
    expect(create.requestBody.content["application/json"].schema).toMatchObject({ type: "object", required: expect.arrayContaining(["name", "type"]) });
    expect(create.responses["201"].content["application/json"].schema.properties).toHaveProperty("data");
    expect(create.responses["422"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
    const operationIds = Object.values(document.paths).flatMap((item) => Object.values(item as Record<string, { operationId: string }>).map((op) => op.operationId));
    expect(new Set(operationIds).size).toBe(operationIds.length);
    // Workflows and executions come in through lib/api/openapi-plugins.ts.
    expect(Object.keys(document.paths).some((path) => path.startsWith("/api/v1/workflows"))).toBe(true);
    expect(Object.keys(document.paths).some((path) => path.startsWith("/api/v1/executions"))).toBe(true);
  });
});

describe("/api/metrics", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  async function addExecution(status: "queued" | "succeeded" | "failed"): Promise<string> {
    const id = randomUUID();
    await database.db.insert(executions).values({ id, workspaceId: DEFAULT_WORKSPACE_ID, workflowSnapshot: {}, mode: "manual", status });
    return id;
  }

  it("serves Prometheus text with executions by status, queue depth, node duration and webhook latency", async () => {
    const scrape = metricsRoute({ database: async () => database.db, token: () => undefined });
    await addExecution("queued");
    await addExecution("queued");
    const finished = await addExecution("succeeded");
    await addExecution("failed");
    const first = await scrape(new Request("http://localhost/api/metrics"));
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);

    // Node runs recorded after the first scrape are observed by the next one.
    const now = new Date();
    await insertNodeRuns(database.db, {
      workspaceId: DEFAULT_WORKSPACE_ID,
      executionId: finished,
      runs: [
        { nodeName: "A", nodeType: "hetumind.set", status: "succeeded", startedAt: now, finishedAt: now, durationMs: 3 },
        { nodeName: "B", nodeType: "hetumind.if", status: "failed", startedAt: now, finishedAt: now, durationMs: 1500 },
      ],
    });
    observeWebhookLatency("post", 200, 0.004);
    const text = await (await scrape(new Request("http://localhost/api/metrics"))).text();
    expect(text).toContain('hetumind_executions{status="queued"} 2');
    expect(text).toContain('hetumind_executions{status="succeeded"} 1');
    expect(text).toContain('hetumind_executions{status="running"} 0');
    expect(text).toMatch(/^hetumind_queue_depth 2$/m);
    expect(text).toContain('hetumind_node_duration_seconds_count{node_type="hetumind.set",status="succeeded"} 1');
    expect(text).toContain('hetumind_node_duration_seconds_bucket{le="2.5",node_type="hetumind.if",status="failed"} 1');
    expect(text).toContain('hetumind_webhook_latency_seconds_count{method="POST",status="200"} 1');
    expect(text).toContain("hetumind_process_resident_memory_bytes");
    // Not counted twice by a later scrape.
    const again = await (await scrape(new Request("http://localhost/api/metrics"))).text();
    expect(again).toContain('hetumind_node_duration_seconds_count{node_type="hetumind.set",status="succeeded"} 1');
  });

  it("with HETUMIND_METRICS_TOKEN set it needs the bearer token", async () => {
    const scrape = metricsRoute({ database: async () => database.db, token: () => "metrics-token-123" });
    expect((await scrape(new Request("http://localhost/api/metrics"))).status).toBe(401);
    expect((await scrape(new Request("http://localhost/api/metrics", { headers: { authorization: "Bearer wrong" } }))).status).toBe(401);
    const ok = await scrape(new Request("http://localhost/api/metrics", { headers: { authorization: "Bearer metrics-token-123" } }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("hetumind_queue_depth");
  });
});
