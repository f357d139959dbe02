/**
 * POST /api/chat/<workflowId> (lib/triggers/chat.ts) through the AI SDK's own client: `DefaultChatTransport` (what
 * `useChat` uses) parses the UI message stream and `readUIMessageStream` assembles the assistant message. A Chat Trigger ->
 * AI Agent (OpenAI fixture, Calculator tool, Postgres Chat Memory) streams text deltas, the tool call and its result; a
 * failing model gives an error part; history comes back from memory; 413, 401, 403 and 404 cases; CORS for public chats;
 * and a Webhook -> AI Agent -> Respond to Webhook workflow answers too.
 */
import { randomBytes } from "node:crypto";
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/db/queries/api-keys";
import { createCredential } from "@/lib/db/queries/credentials";
import { getExecution } from "@/lib/db/queries/executions";
import { addMembership } from "@/lib/db/queries/memberships";
import { createUser } from "@/lib/db/queries/users";
import { createWorkflow } from "@/lib/db/queries/workflows";
import { createWorkspace } from "@/lib/db/queries/workspaces";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { clearEncryptionKeyCache } from "@/lib/secrets";
import { activateWorkflow } from "@/lib/triggers/activation";
import { handleChatHistory, handleChatMessage, handleChatPreflight, type HandleChatOptions } from "@/lib/triggers/chat";
import { handleWebhook } from "@/lib/triggers/webhooks";
import type { WorkflowInput } from "@/lib/workflow/schema";
import type { ModelFixture } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";
import { createTestEngine, type TestEngine } from "../helpers/engine";
import { runtimeOf } from "../helpers/triggers";

const saved = { key: process.env.HETUMIND_ENCRYPTION_KEY, allow: process.env.HETUMIND_ALLOW_PRIVATE_NETWORK };
let test: TestEngine;
let openai: ModelFixture;
let options: HandleChatOptions;
let credentialId: string;
const keys: Record<string, string> = {};

function agentNodes(chatTrigger: Record<string, unknown> | null): Pick<WorkflowInput, "nodes" | "connections"> {
  return {
    nodes: [
      ...(chatTrigger ? [{ id: "c", name: "Chat", type: "hetumind.chatTrigger", parameters: chatTrigger }] : []),
      { id: "a", name: "Agent", type: "hetumind.agent", parameters: { systemMessage: "Use the calculator." } },
      { id: "m", name: "Model", type: "hetumind.lmChatOpenAi", parameters: { model: "gpt-4o-mini", options: { maxRetries: 0 } }, credentials: { openAiApi: { id: credentialId } } },
      { id: "t", name: "Calculator", type: "hetumind.toolCalculator", parameters: {} },
      { id: "k", name: "Memory", type: "hetumind.memoryPostgresChat", parameters: {} },
    ],
    connections: {
      ...(chatTrigger ? { Chat: { main: [[{ node: "Agent", type: "main", index: 0 }]] } } : {}),
      Model: { ai_languageModel: [[{ node: "Agent", type: "ai_languageModel", index: 0 }]] },
      Calculator: { ai_tool: [[{ node: "Agent", type: "ai_tool", index: 0 }]] },
      Memory: { ai_memory: [[{ node: "Agent", type: "ai_memory", index: 0 }]] },
    },
  };
}

async function saveChat(chatTrigger: Record<string, unknown>, activate = false): Promise<string> {
  const row = await createWorkflow(test.database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "chat", definition: { name: "chat", ...agentNodes(chatTrigger) } });
  if (activate) await activateWorkflow(test.database.db, DEFAULT_WORKSPACE_ID, row.id);
  return row.id;
}

const url = (workflowId: string, query = "") => `http://localhost:3000/api/chat/${workflowId}${query}`;

/** Sends one message the way useChat does and returns every chunk and the assembled assistant message. */
async function chat(workflowId: string, text: string, sessionId: string, headers: Record<string, string> = {}): Promise<{ chunks: UIMessageChunk[]; message: UIMessage | undefined; response: Response }> {
  let response!: Response;
  const transport = new DefaultChatTransport<UIMessage>({
    api: url(workflowId),
    headers,
    fetch: async (input, init) => {
      response = await handleChatMessage(new Request(String(input), init as RequestInit), workflowId, options);
      return response.clone();
    },
  });
  const stream = await transport.sendMessages({
    chatId: sessionId,
    trigger: "submit-message",
    messageId: undefined,
    abortSignal: undefined,
    messages: [{ id: "u1", role: "user", parts: [{ type: "text", text }] }],
  });
  const chunks: UIMessageChunk[] = [];
  const [forChunks, forMessage] = stream.tee();
  const collect = (async () => {
    for await (const chunk of forChunks as unknown as AsyncIterable<UIMessageChunk>) chunks.push(chunk);
  })();
  let message: UIMessage | undefined;
  for await (const snapshot of readUIMessageStream<UIMessage>({ stream: forMessage })) message = snapshot;
  await collect;
  return { chunks, message, response };
}

const post = (workflowId: string, body: unknown, headers: Record<string, string> = {}) =>
  handleChatMessage(new Request(url(workflowId), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) }), workflowId, options);

beforeAll(async () => {
  process.env.HETUMIND_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  clearEncryptionKeyCache();
  openai = await startOpenAiFixture({ apiKey: "sk-fixture" });
  test = await createTestEngine();
  options = { runtime: runtimeOf(test), maxBodyBytes: 16 * 1024 };
  credentialId = (await createCredential(test.database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "OpenAI", type: "openAiApi", data: { apiKey: "sk-fixture", baseUrl: openai.url } })).id;
  const member = await createUser(test.database.db, { email: "member@example.com", passwordHash: null });
  await addMembership(test.database.db, { workspaceId: DEFAULT_WORKSPACE_ID, userId: member.id, role: "viewer" });
  keys.member = (await createApiKey(test.database.db, { workspaceId: DEFAULT_WORKSPACE_ID, userId: member.id, name: "member" })).key;
  await createWorkspace(test.database.db, { id: "ws-stranger", name: "Stranger" });
  const stranger = await createUser(test.database.db, { email: "stranger@example.com", passwordHash: null });
  await addMembership(test.database.db, { workspaceId: "ws-stranger", userId: stranger.id, role: "owner" });
  keys.stranger = (await createApiKey(test.database.db, { workspaceId: "ws-stranger", userId: stranger.id, name: "stranger" })).key;
});
afterAll(async () => {
  await test?.close();
  await openai?.close();
  for (const [name, value] of [["HETUMIND_ENCRYPTION_KEY", saved.key], ["HETUMIND_ALLOW_PRIVATE_NETWORK", saved.allow]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  clearEncryptionKeyCache();
});
beforeEach(() => openai.reset());

describe("POST /api/chat/<workflowId>", () => {
  it("streams the agent's text deltas, the tool call and its result as UI message parts, and records the execution", async () => {
    const workflowId = await saveChat({ public: true }, true);
    openai.script({ toolCalls: [{ id: "call_1", name: "calculator", input: { expression: "6 * 7" } }] }, { text: "Six times seven is 42." });
    const { chunks, message, response } = await chat(workflowId, "What is 6 * 7?", "session-a");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    const executionId = response.headers.get("x-hetumind-execution-id");
    expect(executionId).toBeTruthy();

    const types = chunks.map((chunk) => chunk.type);
    expect(types[0]).toBe("start");
    expect(types.at(-1)).toBe("finish");
    expect(types).not.toContain("error");
    // Token by token: the fixture sends the answer word by word.
    const deltas = chunks.filter((chunk) => chunk.type === "text-delta");
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((chunk) => chunk.delta).join("")).toBe("Six times seven is 42.");
    expect(types.indexOf("tool-input-available")).toBeLessThan(types.indexOf("tool-output-available"));
    expect(types.indexOf("tool-output-available")).toBeLessThan(types.indexOf("text-start"));
    expect(types.filter((type) => type === "start-step")).toHaveLength(2);
    expect(types.filter((type) => type === "finish-step")).toHaveLength(2);

    expect(message?.role).toBe("assistant");
    expect(message?.metadata).toEqual({ executionId, sessionId: "session-a" });
    const tool = message?.parts.find((part) => part.type === "dynamic-tool");
    expect(tool).toMatchObject({ type: "dynamic-tool", toolName: "calculator", toolCallId: "call_1", state: "output-available", input: { expression: "6 * 7" }, output: 42 });
    expect(message?.parts.filter((part) => part.type === "text").map((part) => (part as { text: string }).text)).toEqual(["Six times seven is 42."]);

    expect((await getExecution(test.database.db, DEFAULT_WORKSPACE_ID, executionId!))?.status).toBe("succeeded");
  });

  it("remembers the session: the second message's model request carries the first turn, and GET returns the history", async () => {
    const workflowId = await saveChat({ public: true }, true);
    await chat(workflowId, "My name is Ada", "session-b");
    await chat(workflowId, "What is my name?", "session-b");
    const second = openai.requests("chat")[1].body as { messages: Array<{ role: string; content: unknown }> };
    expect(second.messages.filter((entry) => entry.role === "user").map((entry) => entry.content)).toEqual(["My name is Ada", "What is my name?"]);
    await chat(workflowId, "Hello", "session-c");
    const other = openai.requests("chat")[2].body as { messages: Array<{ role: string; content: unknown }> };
    expect(other.messages.filter((entry) => entry.role === "user").map((entry) => entry.content)).toEqual(["Hello"]);

    const history = await handleChatHistory(new Request(url(workflowId, "?sessionId=session-b")), workflowId, options);
    expect(history.status).toBe(200);
    const body = (await history.json()) as { messages: UIMessage[] };
    expect(body.messages.map((entry) => [entry.role, entry.parts.filter((part) => part.type === "text").map((part) => (part as { text: string }).text).join("")])).toEqual([
      ["user", "My name is Ada"],
      ["assistant", "You said: My name is Ada"],
      ["user", "What is my name?"],
      ["assistant", "You said: What is my name?"],
    ]);
  });

  it("ends with an error part when the run fails", async () => {
    const workflowId = await saveChat({}, false);
    openai.script({ error: { status: 500, message: "the fixture is down" } });
    const { chunks } = await chat(workflowId, "hi", "session-err", { authorization: `Bearer ${keys.member}` });
    const error = chunks.find((chunk) => chunk.type === "error");
    expect(error).toBeDefined();
    expect((error as { errorText: string }).errorText).toContain("the fixture is down");
  });

  it("refuses a body over the limit with 413, and a message without text with 422", async () => {
    const workflowId = await saveChat({ public: true }, true);
    const big = await post(workflowId, { id: "s", messages: [{ role: "user", parts: [{ type: "text", text: "x".repeat(20_000) }] }] });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
    const empty = await post(workflowId, { id: "s", messages: [] });
    expect(empty.status).toBe(422);
    const noSession = await post(workflowId, { chatInput: "hi" });
    expect(noSession.status).toBe(422);
    expect(openai.calls().received).toBe(0);
  });

  it("workspace-only chats: 401 without a key or session, 403 for another workspace's key, 200 for a member", async () => {
    const workflowId = await saveChat({ public: false });
    const body = { sessionId: "s-ws", chatInput: "hi" };
    const anonymous = await post(workflowId, body);
    expect(anonymous.status).toBe(401);
    const stranger = await post(workflowId, body, { authorization: `Bearer ${keys.stranger}` });
    expect(stranger.status).toBe(403);
    const member = await post(workflowId, body, { authorization: `Bearer ${keys.member}` });
    expect(member.status).toBe(200);
    await member.text();
    expect(openai.calls().received).toBe(1);
  });

  it("public chats: 404 until active, basic auth (401 with WWW-Authenticate: Basic), allowed origins (CORS, 403 for others)", async () => {
    const inactive = await saveChat({ public: true });
    expect((await post(inactive, { sessionId: "s", chatInput: "hi" })).status).toBe(404);
    expect((await post("no-such-workflow", { sessionId: "s", chatInput: "hi" })).status).toBe(404);

    const guarded = await saveChat({ public: true, authentication: "basicAuth", basicAuth: { user: "ada", password: "lovelace" }, options: { allowedOrigins: "https://shop.example" } }, true);
    const noAuth = await post(guarded, { sessionId: "s", chatInput: "hi" });
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get("www-authenticate")).toContain("Basic");
    const wrong = await post(guarded, { sessionId: "s", chatInput: "hi" }, { authorization: `Basic ${Buffer.from("ada:nope").toString("base64")}` });
    expect(wrong.status).toBe(401);
    const basic = `Basic ${Buffer.from("ada:lovelace").toString("base64")}`;
    const foreign = await post(guarded, { sessionId: "s", chatInput: "hi" }, { authorization: basic, origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("origin_not_allowed");
    expect(openai.calls().received).toBe(0);

    const preflight = await handleChatPreflight(new Request(url(guarded), { method: "OPTIONS", headers: { origin: "https://shop.example", "access-control-request-method": "POST" } }), guarded, options);
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
    const allowed = await post(guarded, { sessionId: "s", chatInput: "hi" }, { authorization: basic, origin: "https://shop.example" });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    expect(await allowed.text()).toContain('"delta":"hi"');
    // The hosted page is same-origin: allowed whatever the list says.
    const sameOrigin = await post(guarded, { sessionId: "s", chatInput: "again" }, { authorization: basic, origin: "http://localhost:3000", host: "localhost:3000" });
    expect(sameOrigin.status).toBe(200);
    await sameOrigin.text();
  });
});

describe("non-chat triggers run agents too", () => {
  it("Webhook -> AI Agent -> Respond to Webhook answers with the agent's output", async () => {
    const { nodes, connections } = agentNodes(null);
    const workflow: WorkflowInput = {
      name: "webhook agent",
      nodes: [
        { id: "w", name: "Webhook", type: "hetumind.webhook", parameters: { path: "ask", httpMethod: "POST", responseMode: "responseNode" } },
        ...nodes.map((node) => (node.name === "Agent" ? { ...node, parameters: { ...node.parameters, prompt: "{{ $json.body.question }}" } } : node)),
        { id: "r", name: "Respond", type: "hetumind.respondToWebhook", parameters: { respondWith: "firstIncomingItem" } },
      ],
      connections: {
        ...connections,
        Webhook: { main: [[{ node: "Agent", type: "main", index: 0 }]] },
        Agent: { main: [[{ node: "Respond", type: "main", index: 0 }]] },
      },
    };
    // The memory's session comes from the webhook body.
    const memory = workflow.nodes.find((node) => node.name === "Memory")!;
    memory.parameters = { sessionIdType: "customKey", sessionKey: "{{ $json.body.user }}" };
    const row = await createWorkflow(test.database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "webhook agent", definition: workflow as Record<string, unknown> });
    await activateWorkflow(test.database.db, DEFAULT_WORKSPACE_ID, row.id);
    openai.script({ toolCalls: [{ id: "call_w", name: "calculator", input: { expression: "2 + 2" } }] }, { text: "Four." });
    const response = await handleWebhook(
      new Request("http://localhost/api/webhooks/ask", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: "2 + 2?", user: "u-1" }) }),
      { test: false, runtime: runtimeOf(test) },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ output: "Four." });
    expect(openai.calls().received).toBe(2);
  });
});
