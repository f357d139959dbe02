/**
 * The MCP client layer against the real @modelcontextprotocol/server-everything (stdio, through an allow-list file written
 * here, and Streamable HTTP on a free 127.0.0.1 port), plus a fixture server of our own whose `hang` tool never answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentToolCallContext } from "@/lib/ai/agent-tool";
import { HetumindError } from "@/lib/errors";
import { createMcpFetch } from "@/lib/mcp/guarded-fetch-adapter";
import { startEchoServer } from "@/tests/fixtures/http-echo-server";
import { McpConnectionPool, McpServerNotAllowedError, mcpAgentTools, mcpConnectionPool, requireAllowedStdioServer, type McpServerConfig } from "@/lib/mcp";
import { createWorkflow, deleteWorkflow, setWorkflowActive } from "@/lib/db/queries/workflows";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { createTestDatabase } from "@/tests/helpers/db";

const root = path.resolve(import.meta.dirname, "../..");
const everything = path.join(root, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
const hanging = path.join(root, "tests/fixtures/mcp-hanging-server.ts");

let dir: string;
let pool: McpConnectionPool;
const everythingStdio: McpServerConfig = { transport: "stdio", serverId: "everything" };
const hangingStdio: McpServerConfig = { transport: "stdio", serverId: "hanging" };

function callContext(id: string): AgentToolCallContext {
  return { signal: new AbortController().signal, toolCallId: id, idempotencyKey: `exec:Agent:${id}` };
}

async function failure(promise: Promise<unknown>): Promise<HetumindError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (reason: unknown) => reason,
  );
  if (!HetumindError.isInstance(error)) throw error;
  return error;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "hetumind-mcp-"));
  const file = path.join(dir, "mcp-servers.json");
  writeFileSync(
    file,
    JSON.stringify({
      servers: {
        everything: { command: process.execPath, args: [everything, "stdio"], env: { GREETING: "hello from the operator" } },
        hanging: { command: process.execPath, args: ["--import", "tsx", hanging], cwd: root },
      },
    }),
  );
  process.env.HETUMIND_MCP_SERVERS_FILE = file;
  process.env.MCP_TEST_HOST_SECRET = "must-not-leak";
  pool = new McpConnectionPool();
});

afterAll(async () => {
  await pool.closeAll();
  pool.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("MCP over stdio from the allow-list", () => {
  it("lists server-everything's tools and calls echo and get-sum", async () => {
    const tools = await mcpAgentTools({ workflowId: "wf1", server: everythingStdio, pool });
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(["echo", "get-sum", "get-env"]));
    const echo = tools.find((tool) => tool.name === "echo")!;
    expect(echo.inputSchema).toMatchObject({ type: "object", properties: { message: { type: "string" } } });
    expect(await echo.call({ message: "hi" }, callContext("c1"))).toBe("Echo: hi");
    const sum = tools.find((tool) => tool.name === "get-sum")!;
    expect(await sum.call({ a: 2, b: 3 }, callContext("c2"))).toMatch(/5/);
  });

  it("filters tools by include and exclude lists", async () => {
    const included = await mcpAgentTools({ workflowId: "wf1", server: everythingStdio, pool, include: ["echo", "get-sum"] });
    expect(included.map((tool) => tool.name).sort()).toEqual(["echo", "get-sum"]);
    const excluded = await mcpAgentTools({ workflowId: "wf1", server: everythingStdio, pool, exclude: ["echo"] });
    expect(excluded.map((tool) => tool.name)).not.toContain("echo");
    expect(excluded.map((tool) => tool.name)).toContain("get-sum");
    const error = await failure(mcpAgentTools({ workflowId: "wf1", server: everythingStdio, pool, include: ["no-such-tool"] }));
    expect(error.code).toBe("mcp_tool_unknown");
  });

  it("gives the child only the operator's env and PATH, never the host's", async () => {
    const [getEnv] = await mcpAgentTools({ workflowId: "wf1", server: everythingStdio, pool, include: ["get-env"] });
    const environment = JSON.parse(String(await getEnv!.call({}, callContext("c3")))) as Record<string, string>;
    expect(environment.GREETING).toBe("hello from the operator");
    expect(environment.PATH).toBe(process.env.PATH);
    expect(environment.MCP_TEST_HOST_SECRET).toBeUndefined();
    expect(environment.HOME).toBeUndefined();
    expect(environment.HETUMIND_MCP_SERVERS_FILE).toBeUndefined();
  });

  it("pools one connection per workflow and server", async () => {
    const first = await pool.get("wf1", everythingStdio);
    expect(await pool.get("wf1", everythingStdio)).toBe(first);
    const other = await pool.get("wf2", everythingStdio);
    expect(other).not.toBe(first);
    expect(other.pid).not.toBe(first.pid);
    await pool.closeWorkflow("wf2");
    expect(other.alive).toBe(false);
    expect(first.alive).toBe(true);
  });

  it("the process's pool closes a workflow's connections when it is deactivated or deleted, and only that workflow's", async () => {
    const database = await createTestDatabase();
    try {
      const shared = mcpConnectionPool();
      const definition = { name: "MCP", nodes: [], connections: {} };
      const [deactivated, deleted, untouched] = await Promise.all(
        ["Deactivated", "Deleted", "Untouched"].map((name) => createWorkflow(database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name, definition, active: true })),
      );
      const connections = await Promise.all([deactivated, deleted, untouched].map((workflow) => shared.get(workflow.id, everythingStdio)));
      expect(connections.every((connection) => connection.alive)).toBe(true);

      await setWorkflowActive(database.db, DEFAULT_WORKSPACE_ID, deactivated.id, false);
      await expect.poll(() => connections[0].alive).toBe(false);
      expect(await deleteWorkflow(database.db, DEFAULT_WORKSPACE_ID, deleted.id)).toBe(true);
      await expect.poll(() => connections[1].alive).toBe(false);
      expect(connections[2].alive).toBe(true);
      // Activating again does not close anything.
      await setWorkflowActive(database.db, DEFAULT_WORKSPACE_ID, untouched.id, true);
      expect(connections[2].alive).toBe(true);
      await shared.closeAll();
    } finally {
      await database.close();
    }
  });

  it("closes a connection nobody used for the idle time, and reopens it when needed", async () => {
    const idlePool = new McpConnectionPool({ idleMs: 200 });
    try {
      const [ping] = await mcpAgentTools({ workflowId: "idle", server: hangingStdio, pool: idlePool, include: ["ping"] });
      const connection = await idlePool.get("idle", hangingStdio);
      const pid = connection.pid!;
      while (idlePool.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(connection.alive).toBe(false);
      const exited = () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      };
      while (!exited()) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await ping!.call({}, callContext("idle-1"))).toBe("pong");
      expect((await idlePool.get("idle", hangingStdio)).pid).not.toBe(pid);
    } finally {
      await idlePool.closeAll();
      idlePool.dispose();
    }
  });

  it("refuses a server id that is not on the allow-list, naming the allowed ones", async () => {
    expect(() => requireAllowedStdioServer("shell")).toThrow(McpServerNotAllowedError);
    const error = await failure(mcpAgentTools({ workflowId: "wf1", server: { transport: "stdio", serverId: "shell" }, pool }));
    expect(error.code).toBe("mcp_server_not_allowed");
    expect(error.message).toBe('MCP stdio server "shell" is not on the operator\'s allow-list (allowed: "everything", "hanging")');
  });

  it("turns a server that crashes during a call into a tool error, and reconnects for the next call", async () => {
    const tools = await mcpAgentTools({ workflowId: "crash", server: everythingStdio, pool, timeoutMs: 20_000 });
    const slow = tools.find((tool) => tool.name === "trigger-long-running-operation")!;
    const connection = await pool.get("crash", everythingStdio);
    const pending = slow.call({ duration: 30, steps: 3 }, callContext("c4"));
    setTimeout(() => process.kill(connection.pid!, "SIGKILL"), 300);
    const error = await failure(pending);
    expect(error.code).toBe("mcp_tool_failed");
    expect(error.message).toMatch(/MCP server "everything" \(stdio\) closed the connection \(exit code none, signal SIGKILL\)/);
    expect(connection.alive).toBe(false);

    const echo = tools.find((tool) => tool.name === "echo")!;
    expect(await echo.call({ message: "again" }, callContext("c5"))).toBe("Echo: again");
    const reconnected = await pool.get("crash", everythingStdio);
    expect(reconnected).not.toBe(connection);
    expect(reconnected.pid).not.toBe(connection.pid);
  });

  it("turns a server that never answers into a timeout error, and the connection stays usable", async () => {
    const tools = await mcpAgentTools({ workflowId: "wf1", server: hangingStdio, pool, timeoutMs: 1_500 });
    const hang = tools.find((tool) => tool.name === "hang")!;
    const error = await failure(hang.call({}, callContext("c6")));
    expect(error.code).toBe("mcp_timeout");
    expect(error.message).toBe('MCP server "hanging" (stdio) did not answer within 1500 ms (call tool "hang")');
    const ping = tools.find((tool) => tool.name === "ping")!;
    expect(await ping.call({}, callContext("c7"))).toBe("pong");
  });

  it("stops waiting when the execution is cancelled", async () => {
    const [hang] = await mcpAgentTools({ workflowId: "wf1", server: hangingStdio, pool, include: ["hang"], timeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = hang!.call({}, { ...callContext("c8"), signal: controller.signal });
    setTimeout(() => controller.abort(new Error("cancelled by the user")), 100);
    await expect(pending).rejects.toThrow("cancelled by the user");
  });
});

describe("MCP over Streamable HTTP through the guarded fetch", () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once("error", reject);
      probe.listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    child = spawn(process.execPath, [everything, "streamableHttp"], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      let output = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("listening on port")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`server-everything exited (${code}): ${output}`)));
    });
    url = `http://127.0.0.1:${port}/mcp`;
  });

  afterAll(() => {
    child.kill("SIGTERM");
  });

  it("refuses a URL that resolves to a private address without HETUMIND_ALLOW_PRIVATE_NETWORK", async () => {
    delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
    const localhost = url.replace("127.0.0.1", "localhost");
    const error = await failure(mcpAgentTools({ workflowId: "http", server: { transport: "http", url: localhost }, pool }));
    expect(error.code).toBe("network_refused");
    expect(error.message).toMatch(/^Request to http:\/\/localhost:\d+\/mcp refused: localhost resolves to 127\.0\.0\.1, a loopback address/);
  });

  it("lists and calls server-everything's tools with the flag set", async () => {
    process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
    try {
      const server: McpServerConfig = { transport: "http", url, headers: { Authorization: "Bearer test-token" } };
      const tools = await mcpAgentTools({ workflowId: "http", server, pool, include: ["echo", "get-sum"] });
      expect(tools.map((tool) => tool.name).sort()).toEqual(["echo", "get-sum"]);
      expect(await tools.find((tool) => tool.name === "echo")!.call({ message: "over http" }, callContext("h1"))).toBe("Echo: over http");
      expect(await tools.find((tool) => tool.name === "get-sum")!.call({ a: 40, b: 2 }, callContext("h2"))).toMatch(/42/);
    } finally {
      delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
    }
  });

  it("sends the credential's header on every request, POSTs buffered and GETs (event streams) streamed", async () => {
    const echo = await startEchoServer();
    try {
      const mcpFetch = createMcpFetch({ timeoutMs: 5_000, allowPrivateNetwork: true });
      const response = await mcpFetch(`${echo.url}/mcp`, {
        method: "POST",
        headers: { Authorization: "Bearer secret-token", "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      });
      expect(response.status).toBe(200);
      const echoed = (await response.json()) as { headers: Record<string, string>; json: unknown };
      expect(echoed.headers.authorization).toBe("Bearer secret-token");
      expect(echoed.json).toEqual({ jsonrpc: "2.0", id: 1, method: "ping" });
      const stream = await mcpFetch(`${echo.url}/mcp`, { method: "GET", headers: { Authorization: "Bearer secret-token", accept: "text/event-stream" } });
      expect(((await stream.json()) as { headers: Record<string, string> }).headers.authorization).toBe("Bearer secret-token");
      expect(echo.requests().map((request) => request.method)).toEqual(["POST", "GET"]);
      await expect(createMcpFetch({ timeoutMs: 5_000 })(`${echo.url}/mcp`, { method: "GET" })).rejects.toMatchObject({ code: "network_refused" });
    } finally {
      await echo.close();
    }
  });
});

describe("MCP over the older HTTP+SSE transport", () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once("error", reject);
      probe.listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    child = spawn(process.execPath, [everything, "sse"], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      let output = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("running on port")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`server-everything exited (${code}): ${output}`)));
    });
    url = `http://127.0.0.1:${port}/sse`;
  });

  afterAll(() => {
    child.kill("SIGTERM");
  });

  it("refuses the private URL without the flag, and lists and calls tools with it", async () => {
    delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
    const refused = await failure(mcpAgentTools({ workflowId: "sse", server: { transport: "sse", url }, pool }));
    expect(refused.code).toBe("network_refused");
    process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
    try {
      const tools = await mcpAgentTools({ workflowId: "sse", server: { transport: "sse", url }, pool, include: ["echo"] });
      expect(tools.map((tool) => tool.name)).toEqual(["echo"]);
      expect(await tools[0]!.call({ message: "over sse" }, callContext("s1"))).toBe("Echo: over sse");
    } finally {
      delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
    }
  });
});
