/**
 * Postgres Chat Memory (and n8n's window buffer) through a real agent and the OpenAI fixture: the second turn's request to
 * the model carries the first turn; another session's does not; another workspace's never; the window keeps the last k
 * turns; a replayed save stores a turn once; clearing a session forgets it (function and /api/v1/chat-sessions).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearChatMemorySession, PostgresChatMemory } from "@/lib/ai/postgres-chat-memory";
import { loadChatTurns } from "@/lib/db/queries/chat-memory";
import { createCredential } from "@/lib/db/queries/credentials";
import { createWorkspace } from "@/lib/db/queries/workspaces";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { clearEncryptionKeyCache } from "@/lib/secrets";
import type { WorkflowInput } from "@/lib/workflow/schema";
import type { ModelFixture } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";
import { createTestDatabase, TEST_DATABASE_DRIVERS } from "../helpers/db";
import { createTestEngine, jsonOf, type TestEngine } from "../helpers/engine";

const saved = { key: process.env.HETUMIND_ENCRYPTION_KEY, allow: process.env.HETUMIND_ALLOW_PRIVATE_NETWORK };
let test: TestEngine;
let openai: ModelFixture;
const OTHER_WORKSPACE = "ws-other";
const credentialIds: Record<string, string> = {};

beforeAll(async () => {
  process.env.HETUMIND_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  clearEncryptionKeyCache();
  openai = await startOpenAiFixture({ apiKey: "sk-fixture" });
  test = await createTestEngine();
  await createWorkspace(test.database.db, { id: OTHER_WORKSPACE, name: "Other" });
  for (const workspaceId of [DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE]) {
    credentialIds[workspaceId] = (await createCredential(test.database.db, { workspaceId, name: "OpenAI", type: "openAiApi", data: { apiKey: "sk-fixture", baseUrl: openai.url } })).id;
  }
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

function chatWorkflow(workspaceId: string, memory: { type?: string; parameters?: Record<string, unknown> } = {}): WorkflowInput {
  return {
    name: "chat with memory",
    nodes: [
      { id: "s", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
      { id: "a", name: "Agent", type: "hetumind.agent", parameters: { systemMessage: "Be brief." } },
      { id: "m", name: "Model", type: "hetumind.lmChatOpenAi", parameters: { model: "gpt-4o-mini", options: { maxRetries: 0 } }, credentials: { openAiApi: { id: credentialIds[workspaceId] } } },
      { id: "k", name: "Memory", type: memory.type ?? "hetumind.memoryPostgresChat", parameters: memory.parameters ?? {} },
    ],
    connections: {
      Start: { main: [[{ node: "Agent", type: "main", index: 0 }]] },
      Model: { ai_languageModel: [[{ node: "Agent", type: "ai_languageModel", index: 0 }]] },
      Memory: { ai_memory: [[{ node: "Agent", type: "ai_memory", index: 0 }]] },
    },
  };
}

async function say(chatInput: string, sessionId: string, options: { workspaceId?: string; memory?: Parameters<typeof chatWorkflow>[1] } = {}): Promise<string[]> {
  const workspaceId = options.workspaceId ?? DEFAULT_WORKSPACE_ID;
  const before = openai.requests("chat").length;
  const outcome = await test.engine.startAndRun({ workflow: chatWorkflow(workspaceId, options.memory), workspaceId, input: { sessionId, chatInput } });
  expect((jsonOf(outcome)[0] as { output: string }).output).toBe(`You said: ${chatInput}`);
  const requests = openai.requests("chat").slice(before);
  expect(requests).toHaveLength(1);
  const body = requests[0].body as { messages: Array<{ role: string; content: unknown }> };
  return body.messages.filter((message) => message.role !== "system").map((message) => `${message.role}: ${typeof message.content === "string" ? message.content : JSON.stringify(message.content)}`);
}

describe("Postgres Chat Memory", () => {
  it("sends the first turn with the second turn's request, in the same session only", async () => {
    expect(await say("My name is Ada", "s-1")).toEqual(["user: My name is Ada"]);
    expect(await say("What is my name?", "s-1")).toEqual(["user: My name is Ada", "assistant: You said: My name is Ada", "user: What is my name?"]);
    // Another session of the same workspace starts empty.
    expect(await say("Who am I?", "s-2")).toEqual(["user: Who am I?"]);
  });

  it("never shows another workspace's session, even under the same session id", async () => {
    await say("Secret of workspace A", "shared-id");
    expect(await say("Anything there?", "shared-id", { workspaceId: OTHER_WORKSPACE })).toEqual(["user: Anything there?"]);
    expect((await loadChatTurns(test.database.db, OTHER_WORKSPACE, "shared-id")).map((turn) => turn.messages.length)).toEqual([2]);
    const own = await loadChatTurns(test.database.db, DEFAULT_WORKSPACE_ID, "shared-id");
    expect(JSON.stringify(own)).not.toContain("Anything there?");
  });

  it("keeps a window of the last k turns (n8n's memoryBufferWindow contextWindowLength)", async () => {
    const memory = { type: "hetumind.memoryBufferWindow", parameters: { contextWindowLength: 1 } };
    await say("one", "w-1", { memory });
    await say("two", "w-1", { memory });
    expect(await say("three", "w-1", { memory })).toEqual(["user: two", "assistant: You said: two", "user: three"]);
  });

  it("takes the session id from an expression (customKey)", async () => {
    const memory = { parameters: { sessionIdType: "customKey", sessionKey: "user-{{ $json.user }}" } };
    const run = (chatInput: string) => test.engine.startAndRun({ workflow: chatWorkflow(DEFAULT_WORKSPACE_ID, memory), input: { user: 7, chatInput } });
    jsonOf(await run("hello"));
    jsonOf(await run("again"));
    expect((await loadChatTurns(test.database.db, DEFAULT_WORKSPACE_ID, "user-7")).map((turn) => (turn.messages[0] as { content: string }).content)).toEqual(["hello", "again"]);
  });

  it("fails naming the memory node when the item has no session id", async () => {
    const outcome = await test.engine.startAndRun({ workflow: chatWorkflow(DEFAULT_WORKSPACE_ID), input: { chatInput: "hi" } });
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.code).toBe("memory_session_missing");
    expect(outcome.error.message).toContain('"Memory"');
  });

  it("stores a turn saved twice under the same turn id once (a replay), and clears a session", async () => {
    const memory = new PostgresChatMemory({ db: test.database.db, workspaceId: DEFAULT_WORKSPACE_ID, sessionId: "replay", windowTurns: 5 });
    const turn = { turnId: "exec-1/Agent/0/0", messages: [{ role: "user" as const, content: "hi" }, { role: "assistant" as const, content: "hello" }] };
    await memory.save(turn);
    await memory.save(turn);
    expect(await memory.load()).toEqual(turn.messages);
    expect(await clearChatMemorySession(test.database.db, OTHER_WORKSPACE, "replay")).toBe(0);
    expect(await memory.load()).toHaveLength(2);
    expect(await clearChatMemorySession(test.database.db, DEFAULT_WORKSPACE_ID, "replay")).toBe(1);
    expect(await memory.load()).toEqual([]);
  });
});

describe("the agent's memory turn is written with the execution's next write", () => {
  const history = (index: number) => {
    const body = openai.requests("chat")[index].body as { messages: Array<{ role: string; content: unknown }> };
    return body.messages.filter((message) => message.role !== "system").map((message) => `${message.role}: ${String(message.content)}`);
  };

  it("in the execution's end: two items of one session in one run, the second sees the first's turn", async () => {
    const outcome = await test.engine.startAndRun({ workflow: chatWorkflow(DEFAULT_WORKSPACE_ID), input: [{ sessionId: "items-1", chatInput: "first" }, { sessionId: "items-1", chatInput: "second" }] });
    expect(jsonOf(outcome).map((json) => (json as { output: string }).output)).toEqual(["You said: first", "You said: second"]);
    expect(history(1)).toEqual(["user: first", "assistant: You said: first", "user: second"]);
    expect((await loadChatTurns(test.database.db, DEFAULT_WORKSPACE_ID, "items-1")).map((turn) => (turn.messages[0] as { content: string }).content)).toEqual(["first", "second"]);
    // The next run of the session sees both.
    expect(await say("third", "items-1")).toEqual(["user: first", "assistant: You said: first", "user: second", "assistant: You said: second", "user: third"]);
  });

  it("in the segment's checkpoint when the execution goes on after the agent (its LangGraph path)", async () => {
    const workflow = chatWorkflow(DEFAULT_WORKSPACE_ID);
    workflow.nodes.push({ id: "n", name: "After", type: "hetumind.noOp", parameters: {} });
    workflow.connections = { ...workflow.connections, Agent: { main: [[{ node: "After", type: "main", index: 0 }]] } };
    const outcome = await test.engine.startAndRun({ workflow, input: { sessionId: "after-1", chatInput: "hello" } });
    expect((jsonOf(outcome)[0] as { output: string }).output).toBe("You said: hello");
    expect((await loadChatTurns(test.database.db, DEFAULT_WORKSPACE_ID, "after-1")).map((turn) => turn.messages)).toEqual([
      [{ role: "user", content: "hello" }, { role: "assistant", content: [{ type: "text", text: "You said: hello" }] }],
    ]);
  });

  it("when the execution fails in a node after the agent: the agent answered, its turn is kept", async () => {
    const workflow = chatWorkflow(DEFAULT_WORKSPACE_ID);
    workflow.nodes.push({ id: "x", name: "Fail", type: "hetumind.stopAndError", parameters: { errorMessage: "stop here" } });
    workflow.connections = { ...workflow.connections, Agent: { main: [[{ node: "Fail", type: "main", index: 0 }]] } };
    const outcome = await test.engine.startAndRun({ workflow, input: { sessionId: "fail-1", chatInput: "hello" } });
    expect(outcome.status).toBe("failed");
    expect(await loadChatTurns(test.database.db, DEFAULT_WORKSPACE_ID, "fail-1")).toHaveLength(1);
  });
});

describe.each(TEST_DATABASE_DRIVERS)("the chat memory migration on %s", (driver) => {
  it("applies from a blank database through the driver, and memory works on it", async () => {
    const database = await createTestDatabase({ driver, migrateFromBlank: true });
    try {
      const memory = new PostgresChatMemory({ db: database.db, workspaceId: DEFAULT_WORKSPACE_ID, sessionId: "s", windowTurns: 1 });
      await memory.save({ turnId: "t1", messages: [{ role: "user", content: "one" }] });
      await memory.save({ turnId: "t2", messages: [{ role: "user", content: "two" }] });
      await memory.save({ turnId: "t2", messages: [{ role: "user", content: "two" }] });
      expect(await memory.load()).toEqual([{ role: "user", content: "two" }]);
      expect(await memory.clear()).toBe(2);
    } finally {
      await database.close();
    }
  });
});
