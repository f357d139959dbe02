/**
 * The AI Agent with an MCP Client Tool, end to end through the engine and the OpenAI fixture: server-everything over stdio
 * (from an allow-list written here) and over Streamable HTTP; the agent calls a tool and the result reaches the model.
 * A server that hangs or crashes during a call gives the model a tool error within the timeout, and the agent goes on.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCredential } from "@/lib/db/queries/credentials";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { mcpConnectionPool } from "@/lib/mcp";
import { clearEncryptionKeyCache } from "@/lib/secrets";
import type { WorkflowInput } from "@/lib/workflow/schema";
import type { ModelFixture } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";
import { createTestEngine, jsonOf, type TestEngine } from "../helpers/engine";

const root = path.resolve(import.meta.dirname, "../..");
const everything = path.join(root, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
const saved = { key: process.env.HETUMIND_ENCRYPTION_KEY, allow: process.env.HETUMIND_ALLOW_PRIVATE_NETWORK, file: process.env.HETUMIND_MCP_SERVERS_FILE };
let test: TestEngine;
let openai: ModelFixture;
let credentialId: string;
let dir: string;
let httpServer: ChildProcess;
let httpUrl: string;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  process.env.HETUMIND_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  clearEncryptionKeyCache();
  dir = mkdtempSync(path.join(tmpdir(), "hetumind-agent-mcp-"));
  writeFileSync(
    path.join(dir, "mcp.json"),
    JSON.stringify({
      servers: {
        everything: { command: process.execPath, args: [everything, "stdio"] },
        flaky: { command: process.execPath, args: ["--import", "tsx", path.join(root, "tests/fixtures/mcp-hanging-server.ts")], cwd: root },
      },
    }),
  );
  process.env.HETUMIND_MCP_SERVERS_FILE = path.join(dir, "mcp.json");
  const port = await freePort();
  httpServer = spawn(process.execPath, [everything, "streamableHttp"], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    httpServer.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("listening on port")) resolve();
    });
    httpServer.once("exit", (code) => reject(new Error(`server-everything exited (${code}): ${output}`)));
  });
  httpUrl = `http://127.0.0.1:${port}/mcp`;
  openai = await startOpenAiFixture({ apiKey: "sk-fixture" });
  test = await createTestEngine();
  credentialId = (await createCredential(test.database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "OpenAI", type: "openAiApi", data: { apiKey: "sk-fixture", baseUrl: openai.url } })).id;
});

afterAll(async () => {
  await mcpConnectionPool().closeAll();
  httpServer?.kill("SIGTERM");
  await test?.close();
  await openai?.close();
  rmSync(dir, { recursive: true, force: true });
  for (const [name, value] of [["HETUMIND_ENCRYPTION_KEY", saved.key], ["HETUMIND_ALLOW_PRIVATE_NETWORK", saved.allow], ["HETUMIND_MCP_SERVERS_FILE", saved.file]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  clearEncryptionKeyCache();
});

beforeEach(() => openai.reset());

function agentWithMcp(name: string, mcpParameters: Record<string, unknown>): WorkflowInput {
  return {
    name,
    nodes: [
      { id: "s", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
      { id: "a", name: "Agent", type: "hetumind.agent", parameters: { returnIntermediateSteps: true } },
      { id: "m", name: "Model", type: "hetumind.lmChatOpenAi", parameters: { model: "gpt-4o-mini", options: { maxRetries: 0 } }, credentials: { openAiApi: { id: credentialId } } },
      { id: "t", name: "MCP", type: "hetumind.mcpClientTool", parameters: mcpParameters },
    ],
    connections: {
      Start: { main: [[{ node: "Agent", type: "main", index: 0 }]] },
      Model: { ai_languageModel: [[{ node: "Agent", type: "ai_languageModel", index: 0 }]] },
      MCP: { ai_tool: [[{ node: "Agent", type: "ai_tool", index: 0 }]] },
    },
  };
}

type ChatBody = { messages: Array<{ role: string; content: unknown; tool_call_id?: string }>; tools?: Array<{ function: { name: string; parameters: unknown } }> };

function chatBodies(): ChatBody[] {
  return openai.requests("chat").map((request) => request.body as ChatBody);
}

describe("an agent with an MCP Client Tool", () => {
  it("calls server-everything's echo over stdio and gives the result to the model", async () => {
    openai.script({ toolCalls: [{ id: "call_echo", name: "echo", input: { message: "hello mcp" } }] }, { text: "It said hello mcp" });
    const outcome = await test.engine.startAndRun({
      workflow: agentWithMcp("stdio agent", { serverTransport: "stdio", serverId: "everything", include: "selected", includeTools: ["echo", "get-sum"] }),
      input: { chatInput: "Echo hello mcp" },
    });
    expect(jsonOf(outcome)).toMatchObject([{ output: "It said hello mcp" }]);
    const [first, second] = chatBodies();
    expect(first!.tools?.map((tool) => tool.function.name).sort()).toEqual(["echo", "get-sum"]);
    expect(first!.tools?.find((tool) => tool.function.name === "echo")?.function.parameters).toMatchObject({ properties: { message: { type: "string" } } });
    expect(second!.messages.at(-1)).toEqual({ role: "tool", tool_call_id: "call_echo", content: "Echo: hello mcp" });
  });

  it("calls server-everything's get-sum over Streamable HTTP", async () => {
    openai.script({ toolCalls: [{ id: "call_sum", name: "get-sum", input: { a: 19, b: 23 } }] }, { text: "42" });
    const outcome = await test.engine.startAndRun({
      workflow: agentWithMcp("http agent", { serverTransport: "httpStreamable", endpointUrl: httpUrl, include: "except", excludeTools: ["echo"] }),
      input: { chatInput: "19 + 23?" },
    });
    expect(jsonOf(outcome)).toMatchObject([{ output: "42" }]);
    const [first, second] = chatBodies();
    const offered = first!.tools?.map((tool) => tool.function.name) ?? [];
    expect(offered).toContain("get-sum");
    expect(offered).not.toContain("echo");
    expect(String(second!.messages.at(-1)?.content)).toMatch(/42/);
  });

  it("gives the model a tool error when the server hangs or crashes, and goes on", async () => {
    openai.script(
      { toolCalls: [{ id: "call_hang", name: "hang", input: {} }] },
      { toolCalls: [{ id: "call_crash", name: "crash", input: {} }] },
      { toolCalls: [{ id: "call_ping", name: "ping", input: {} }] },
      { text: "recovered" },
    );
    const outcome = await test.engine.startAndRun({
      workflow: agentWithMcp("flaky agent", { serverTransport: "stdio", serverId: "flaky", options: { timeout: 1_500 } }),
      input: { chatInput: "try the tools" },
    });
    const [json] = jsonOf(outcome) as Array<{ output: string; intermediateSteps: Array<{ tool: string; ok: boolean }> }>;
    expect(json!.output).toBe("recovered");
    expect(json!.intermediateSteps.map((step) => [step.tool, step.ok])).toEqual([
      ["hang", false],
      ["crash", false],
      ["ping", true],
    ]);
    const bodies = chatBodies();
    expect(String(bodies[1]!.messages.at(-1)?.content)).toContain('MCP server "flaky" (stdio) did not answer within 1500 ms (call tool "hang")');
    const crash = String(bodies[2]!.messages.at(-1)?.content);
    expect(crash).toContain('MCP server "flaky" (stdio) closed the connection (exit code 3)');
    expect(crash).toContain("fixture: crashing on purpose");
    expect(bodies[3]!.messages.at(-1)).toEqual({ role: "tool", tool_call_id: "call_ping", content: "pong" });
  });
});
