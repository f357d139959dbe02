import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { queryRows } from "@/lib/db/client";
import { createCredential, deleteCredential, updateCredential } from "@/lib/db/queries/credentials";
import { createWorkspace } from "@/lib/db/queries/workspaces";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { clearEncryptionKeyCache } from "@/lib/secrets";
import { startEchoServer, type EchoServer } from "../fixtures/http-echo-server";
import { createTestEngine, workflowOf, type TestEngine } from "../helpers/engine";

const MARKER = `secret-marker-${randomBytes(6).toString("hex")}`;
const saved = {
  HETUMIND_ALLOW_PRIVATE_NETWORK: process.env.HETUMIND_ALLOW_PRIVATE_NETWORK,
  HETUMIND_ENCRYPTION_KEY: process.env.HETUMIND_ENCRYPTION_KEY,
  HETUMIND_LOG_LEVEL: process.env.HETUMIND_LOG_LEVEL,
};
let server: EchoServer;
let test: TestEngine;
let stderr: string[];
const ids: Record<string, string> = {};

beforeAll(async () => {
  process.env.HETUMIND_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  clearEncryptionKeyCache();
  server = await startEchoServer();
  test = await createTestEngine();
  const db = test.database.db;
  const ws = DEFAULT_WORKSPACE_ID;
  ids.header = (await createCredential(db, { workspaceId: ws, name: "Header", type: "httpHeaderAuth", data: { name: "X-Api-Key", value: `h-${MARKER}` } })).id;
  ids.basic = (await createCredential(db, { workspaceId: ws, name: "Basic", type: "httpBasicAuth", data: { user: "ada", password: `b-${MARKER}` } })).id;
  ids.bearer = (await createCredential(db, { workspaceId: ws, name: "Bearer", type: "httpBearerAuth", data: { token: `t-${MARKER}` } })).id;
  await createWorkspace(db, { id: "elsewhere", name: "Elsewhere" });
  ids.foreign = (await createCredential(db, { workspaceId: "elsewhere", name: "Theirs", type: "httpBearerAuth", data: { token: `x-${MARKER}` } })).id;
});
afterAll(async () => {
  await test?.close();
  await server?.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  clearEncryptionKeyCache();
});
beforeEach(() => {
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  process.env.HETUMIND_LOG_LEVEL = "debug";
  server.reset();
  stderr = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function http(name: string, authentication: string, credentials: Record<string, { id: string; name?: string }> | undefined, path = "/json?body=%7B%22ok%22%3Atrue%7D") {
  return { name, type: "hetumind.httpRequest", parameters: { url: `${server.url}${path}`, authentication }, credentials };
}

/** Everything stored about executions, as text (bytea as hex and as text), plus every log line. */
async function everythingRecorded(): Promise<string> {
  const db = test.database.db;
  const tables = ["executions", "node_runs", "checkpoints", "checkpoint_blobs", "checkpoint_writes"];
  const dumps: string[] = [];
  for (const table of tables) {
    const rows = await queryRows<{ row: string }>(db, sql`select row_to_json(t)::text as row from ${sql.identifier(table)} t`);
    for (const { row } of rows) {
      dumps.push(row);
      // bytea columns come out as \x<hex>: decode them too.
      for (const hex of row.match(/\\\\x([0-9a-f]+)/g) ?? []) dumps.push(Buffer.from(hex.slice(3), "hex").toString("latin1"));
    }
  }
  return [...dumps, ...stderr].join("\n");
}

describe("credentials in workflows", () => {
  it("the HTTP Request node sends a stored credential's header, and the secret is nowhere in the records or the logs", async () => {
    const workflow = workflowOf(
      [
        http("Header", "headerAuth", { httpHeaderAuth: { id: ids.header, name: "Header" } }),
        http("Basic", "basicAuth", { httpBasicAuth: { id: ids.basic } }),
        http("Bearer", "bearerAuth", { httpBearerAuth: { id: ids.bearer } }),
      ],
      [["Start", "Header"], ["Header", "Basic"], ["Basic", "Bearer"]],
    );
    const outcome = await test.run(workflow);
    expect(outcome.status).toBe("succeeded");

    const headers = server.requests().map((request) => request.headers);
    expect(headers).toHaveLength(3);
    expect(headers[0]["x-api-key"]).toBe(`h-${MARKER}`);
    expect(headers[1].authorization).toBe(`Basic ${Buffer.from(`ada:b-${MARKER}`).toString("base64")}`);
    expect(headers[2].authorization).toBe(`Bearer t-${MARKER}`);

    const runs = test.nodeRuns(outcome.executionId);
    expect((await runs).map((run) => run.nodeName)).toEqual(["Start", "Header", "Basic", "Bearer"]);
    const recorded = await everythingRecorded();
    expect(recorded).toContain(outcome.executionId);
    expect(recorded).not.toContain(MARKER);
    expect(recorded).not.toContain(Buffer.from(`ada:b-${MARKER}`).toString("base64"));
  });

  it("a failing request with a credential records no secret either", async () => {
    const outcome = await test.run(workflowOf([http("Header", "headerAuth", { httpHeaderAuth: { id: ids.header } }, "/status/500")], [["Start", "Header"]]));
    expect(outcome.status).toBe("failed");
    expect(server.requests()[0].headers["x-api-key"]).toBe(`h-${MARKER}`);
    // The engine logged the failure (so stderr was captured), without the secret.
    expect(stderr.join("")).toMatch(/"level":"error".*node failed.*"node":"Header"/);
    expect(await everythingRecorded()).not.toContain(MARKER);
  });

  it("without a reference the parameters are used; a missing, foreign or wrong-type credential fails the node by name", async () => {
    const plain = await test.run(workflowOf([{ ...http("Plain", "bearerAuth", undefined), parameters: { url: `${server.url}/json`, authentication: "bearerAuth", bearerToken: "param-token" } }], [["Start", "Plain"]]));
    expect(plain.status).toBe("succeeded");
    expect(server.requests()[0].headers.authorization).toBe("Bearer param-token");

    for (const [reference, code, pattern] of [
      [{ httpBearerAuth: { id: "no-such-id" } }, "credential_not_found", /credential no-such-id was not found in this workspace/],
      [{ httpBearerAuth: { id: ids.foreign } }, "credential_not_found", /was not found in this workspace/],
      [{ httpBearerAuth: { id: ids.header } }, "credential_type_mismatch", /is of type "httpHeaderAuth", not "httpBearerAuth"/],
    ] as const) {
      server.reset();
      const outcome = await test.run(workflowOf([http("Call", "bearerAuth", reference)], [["Start", "Call"]]));
      expect(outcome.status).toBe("failed");
      if (outcome.status !== "failed") continue;
      expect(outcome.error).toMatchObject({ code, node: "Call" });
      expect(outcome.error.message).toMatch(pattern);
      expect(server.requests()).toHaveLength(0);
    }
    expect(await everythingRecorded()).not.toContain(MARKER);
  });

  it("a run right after a credential is updated, created or deleted uses what is stored now (no stale in-process copy)", async () => {
    const db = test.database.db;
    const ws = DEFAULT_WORKSPACE_ID;
    const id = (await createCredential(db, { workspaceId: ws, name: "Rotating", type: "httpBearerAuth", data: { token: "first-token" } })).id;
    const call = workflowOf([http("Call", "bearerAuth", { httpBearerAuth: { id } })], [["Start", "Call"]]);
    const tokens = async () => {
      server.reset();
      const outcome = await test.run(call);
      return { status: outcome.status, authorization: server.requests()[0]?.headers.authorization };
    };
    expect(await tokens()).toEqual({ status: "succeeded", authorization: "Bearer first-token" });
    expect(await tokens()).toEqual({ status: "succeeded", authorization: "Bearer first-token" });
    await updateCredential(db, ws, id, { data: { token: "second-token" } });
    expect(await tokens()).toEqual({ status: "succeeded", authorization: "Bearer second-token" });
    await deleteCredential(db, ws, id);
    expect(await tokens()).toEqual({ status: "failed", authorization: undefined });
    // A credential created under an id a run just missed is found at once.
    await createCredential(db, { workspaceId: ws, id, name: "Back", type: "httpBearerAuth", data: { token: "third-token" } });
    expect(await tokens()).toEqual({ status: "succeeded", authorization: "Bearer third-token" });
  });

  // Last: it stores the secret on purpose.
  it("(control) the search above does find a secret that a node puts in its output", async () => {
    const outcome = await test.run(workflowOf([http("Echo", "bearerAuth", { httpBearerAuth: { id: ids.bearer } }, "/echo")], [["Start", "Echo"]]));
    expect(outcome.status).toBe("succeeded");
    expect(await everythingRecorded()).toContain(`t-${MARKER}`);
  });
});
