import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { runAgent } from "@/agents/run-agent";
import type { AgentTool } from "@/lib/ai/agent-tool";
import type { ChatModel } from "@/lib/ai/chat-model";
import { createProviderModel } from "@/lib/ai/providers";
import { queryRows } from "@/lib/db/client";
import { createCredential } from "@/lib/db/queries/credentials";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { WorkflowValidationError } from "@/lib/errors";
import { clearEncryptionKeyCache } from "@/lib/secrets";
import type { JsonValue } from "@/lib/workflow/items";
import { defineSubNode, type AnyNodeDefinition } from "@/lib/workflow/node-definition";
import type { WorkflowInput } from "@/lib/workflow/schema";
import { nodeDefinitions } from "@/nodes";
import { startAnthropicFixture } from "../fixtures/anthropic-fixture-server";
import type { ModelFixture } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";
import { createTestEngine, jsonOf, type TestEngine } from "../helpers/engine";

/** How the test's tool behaves, and what it saw. */
const adder = {
  mode: "ok" as "ok" | "throw" | "slow",
  calls: [] as JsonValue[],
  inFlight: 0,
  maxInFlight: 0,
};

async function add(args: JsonValue): Promise<JsonValue> {
  adder.calls.push(args);
  adder.inFlight += 1;
  adder.maxInFlight = Math.max(adder.maxInFlight, adder.inFlight);
  try {
    if (adder.mode === "throw") throw new Error("the adder is broken");
    // Parallel calls overlap here.
    await new Promise((resolve) => setTimeout(resolve, adder.mode === "slow" ? 5_000 : 20));
    const { a, b } = args as { a: number; b: number };
    return { sum: a + b };
  } finally {
    adder.inFlight -= 1;
  }
}

const ADD_SCHEMA = { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"], additionalProperties: false };

/** A plain AgentTool sub-node, written in the test. */
const adderTool = defineSubNode({
  type: "hetumind.testAdderTool",
  version: 1,
  displayName: "Adder (test)",
  description: "Adds two numbers.",
  group: "ai",
  icon: "plus",
  inputs: [],
  outputs: [{ kind: "ai_tool" }],
  parameters: z.object({}),
  sideEffects: false,
  supply: (): AgentTool => ({ name: "add", description: "Adds a and b", inputSchema: ADD_SCHEMA, call: add }),
});

const saved = { key: process.env.HETUMIND_ENCRYPTION_KEY, allow: process.env.HETUMIND_ALLOW_PRIVATE_NETWORK };
let test: TestEngine;
let openai: ModelFixture;
let anthropic: ModelFixture;
const ids: Record<string, string> = {};

beforeAll(async () => {
  process.env.HETUMIND_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  clearEncryptionKeyCache();
  openai = await startOpenAiFixture({ apiKey: "sk-fixture" });
  anthropic = await startAnthropicFixture({ apiKey: "ak-fixture" });
  const registry = new Map<string, AnyNodeDefinition>([...nodeDefinitions, adderTool].map((definition) => [definition.type, definition]));
  test = await createTestEngine({ registry });
  ids.openai = (await createCredential(test.database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "OpenAI", type: "openAiApi", data: { apiKey: "sk-fixture", baseUrl: openai.url } })).id;
  ids.anthropic = (await createCredential(test.database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "Anthropic", type: "anthropicApi", data: { apiKey: "ak-fixture", baseUrl: anthropic.url } })).id;
});
afterAll(async () => {
  await test?.close();
  await openai?.close();
  await anthropic?.close();
  for (const [name, value] of [["HETUMIND_ENCRYPTION_KEY", saved.key], ["HETUMIND_ALLOW_PRIVATE_NETWORK", saved.allow]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  clearEncryptionKeyCache();
});
beforeEach(() => {
  openai.reset();
  anthropic.reset();
  Object.assign(adder, { mode: "ok", calls: [], inFlight: 0, maxInFlight: 0 });
});

function agentWorkflow(agentParameters: Record<string, unknown> = {}, options: { anthropic?: boolean; withModel?: boolean } = {}): WorkflowInput {
  const model: WorkflowInput["nodes"][number] = options.anthropic
    ? { id: "m", name: "Model", type: "hetumind.lmChatAnthropic", parameters: { model: "claude-3-5-haiku-latest", options: { maxRetries: 0 } }, credentials: { anthropicApi: { id: ids.anthropic } } }
    : { id: "m", name: "Model", type: "hetumind.lmChatOpenAi", parameters: { model: "gpt-4o-mini", options: { maxRetries: 0 } }, credentials: { openAiApi: { id: ids.openai } } };
  const withModel = options.withModel ?? true;
  return {
    name: "agent",
    nodes: [
      { id: "s", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
      { id: "a", name: "Agent", type: "hetumind.agent", parameters: agentParameters },
      ...(withModel ? [model] : []),
      { id: "t", name: "Adder", type: "hetumind.testAdderTool", parameters: {} },
    ],
    connections: {
      Start: { main: [[{ node: "Agent", type: "main", index: 0 }]] },
      ...(withModel ? { Model: { ai_languageModel: [[{ node: "Agent", type: "ai_languageModel", index: 0 }]] } } : {}),
      Adder: { ai_tool: [[{ node: "Agent", type: "ai_tool", index: 0 }]] },
    },
  };
}

type ChatBody = { messages: Array<{ role: string; content: unknown; tool_call_id?: string }>; tools?: Array<{ function: { name: string } }> };

describe("the AI Agent", () => {
  it("runs while its execution's row is written, and calls no tool that acts outside the run if the row never is", async () => {
    openai.script({ toolCalls: [{ id: "call_1", name: "add", input: { a: 2, b: 3 } }] }, { text: "5" });
    // No such workflow: the row's foreign key refuses it, after the first model call has started.
    const execution = await test.engine.start({ workflow: agentWorkflow(), workflowId: "no-such-workflow", input: { chatInput: "2 + 3?" }, deferRecord: true });
    const outcome = await test.engine.run(execution);
    expect(outcome).toMatchObject({ status: "failed", error: { code: "execution_not_recorded" } });
    // The test's adder is not pure: it waits for the agent's first checkpoint, which waits for the row.
    expect(adder.calls).toEqual([]);
    const left = await queryRows<{ n: number }>(test.database.db, sql`select count(*)::int as n from checkpoints where thread_id like ${`${execution.id}%`}`);
    expect(left[0].n).toBe(0);
  });

  it("offers the tools, runs the calls the model asks for, gives it the results and outputs its answer with usage per model call", async () => {
    openai.script({ toolCalls: [{ id: "call_1", name: "add", input: { a: 2, b: 3 } }], usage: { input: 100, output: 10 } }, { text: "2 + 3 = 5", usage: { input: 150, output: 8 } });
    const outcome = await test.engine.startAndRun({ workflow: agentWorkflow({ systemMessage: "You add.", returnIntermediateSteps: true }), input: { chatInput: "What is 2 + 3?" } });
    const [json] = jsonOf(outcome) as Array<Record<string, unknown>>;
    expect(json.output).toBe("2 + 3 = 5");
    expect(json.intermediateSteps).toEqual([{ toolCallId: "call_1", tool: "add", input: { a: 2, b: 3 }, ok: true, output: { sum: 5 } }]);
    expect(json.usage).toMatchObject({ inputTokens: 250, outputTokens: 18, calls: [{ inputTokens: 100 }, { inputTokens: 150 }] });
    // The node run records the same usage (the execution page and API show it); nodes without model calls have none.
    const runs = await test.nodeRuns(outcome.executionId);
    const agentRun = runs.find((run) => run.nodeName === "Agent");
    expect(agentRun?.usage).toMatchObject({ inputTokens: 250, outputTokens: 18, totalTokens: 268, calls: [{ provider: expect.any(String), model: expect.any(String), inputTokens: 100, outputTokens: 10 }, { inputTokens: 150, outputTokens: 8 }] });
    expect(runs.filter((run) => run.nodeName !== "Agent").map((run) => run.usage)).toEqual(runs.filter((run) => run.nodeName !== "Agent").map(() => null));
    const [first, second] = openai.requests("chat").map((request) => request.body as ChatBody);
    expect(first.tools?.map((tool) => tool.function.name)).toEqual(["add"]);
    expect(first.messages).toEqual([{ role: "system", content: "You add." }, { role: "user", content: "What is 2 + 3?" }]);
    expect(second.messages.at(-1)).toEqual({ role: "tool", tool_call_id: "call_1", content: JSON.stringify({ sum: 5 }) });
    // The agent's steps are checkpointed under its own thread while the execution runs (the resume tests below); the
    // thread goes with the execution's end, in the statement that records its node runs.
    const saved = await test.engine.checkpointer.getTuple({ configurable: { thread_id: `${outcome.executionId}/Agent/0/0`, checkpoint_ns: "" } });
    expect(saved).toBeUndefined();
    const left = await queryRows<{ n: number }>(test.database.db, sql`select count(*)::int as n from checkpoint_blobs where thread_id like ${`${outcome.executionId}/%`}`);
    expect(left).toEqual([{ n: 0 }]);
  });

  it("deletes the agent's thread when an execution that goes on after the agent ends (its LangGraph path)", async () => {
    openai.script({ toolCalls: [{ id: "call_1", name: "add", input: { a: 1, b: 2 } }] }, { text: "3" });
    const workflow = agentWorkflow();
    workflow.nodes.push({ id: "n", name: "After", type: "hetumind.noOp", parameters: {} });
    workflow.connections = { ...workflow.connections, Agent: { main: [[{ node: "After", type: "main", index: 0 }]] } };
    const outcome = await test.engine.startAndRun({ workflow, input: { chatInput: "1 + 2?" } });
    expect(jsonOf(outcome)).toMatchObject([{ output: "3" }]);
    const left = await queryRows<{ n: number }>(test.database.db, sql`select (select count(*) from checkpoints where thread_id like ${`${outcome.executionId}/%`})::int + (select count(*) from checkpoint_blobs where thread_id like ${`${outcome.executionId}/%`})::int as n`);
    expect(left).toEqual([{ n: 0 }]);
  });

  it("runs several tool calls of one answer in parallel", async () => {
    openai.script(
      { toolCalls: [{ id: "c1", name: "add", input: { a: 1, b: 1 } }, { id: "c2", name: "add", input: { a: 2, b: 2 } }] },
      { text: "2 and 4" },
    );
    const outcome = await test.engine.startAndRun({ workflow: agentWorkflow(), input: { chatInput: "two sums" } });
    expect(jsonOf(outcome)).toMatchObject([{ output: "2 and 4" }]);
    expect(adder.maxInFlight).toBe(2);
    const results = (openai.requests("chat")[1].body as ChatBody).messages.filter((message) => message.role === "tool");
    expect(results.map((message) => [message.tool_call_id, message.content])).toEqual([["c1", '{"sum":2}'], ["c2", '{"sum":4}']]);
  });

  it("gives the model arguments that fail the schema and a tool's error as the tool result, and goes on", async () => {
    openai.script({ toolCalls: [{ id: "bad", name: "add", input: { a: "two" } }] }, { toolCalls: [{ id: "ok", name: "add", input: { a: 1, b: 2 } }] }, { text: "gave up" });
    adder.mode = "throw";
    const outcome = await test.engine.startAndRun({ workflow: agentWorkflow(), input: { chatInput: "add" } });
    expect(jsonOf(outcome)).toMatchObject([{ output: "gave up" }]);
    expect(adder.calls).toEqual([{ a: 1, b: 2 }]);
    const [, second, third] = openai.requests("chat").map((request) => request.body as ChatBody);
    const invalid = String(second.messages.at(-1)?.content);
    expect(invalid).toMatch(/^The arguments do not match the input schema of tool "add": /);
    expect(invalid).toContain("/a: must be number");
    expect(invalid).toContain("(root): must have required property 'b'");
    expect(third.messages.at(-1)?.content).toBe('The tool "add" failed: the adder is broken');
  });

  it("stops with a clear error when the model still asks for tools at max steps", async () => {
    const again = { toolCalls: [{ name: "add", input: { a: 1, b: 1 } }] };
    openai.script(again, again, again);
    const outcome = await test.engine.startAndRun({ workflow: agentWorkflow({ maxSteps: 2 }), input: { chatInput: "loop" } });
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.message).toBe('Node "Agent": the model still asked for tools after 2 model calls (max steps 2) without giving an answer');
    expect(openai.calls().received).toBe(2);
  });

  it("fails with the provider's error when the model call fails", async () => {
    openai.script({ error: { status: 401, message: "Incorrect API key provided" } });
    const outcome = await test.engine.startAndRun({ workflow: agentWorkflow(), input: { chatInput: "hi" } });
    expect(outcome.status === "failed" && outcome.error).toMatchObject({ code: "model_call_failed", node: "Agent", message: expect.stringContaining('OpenAI model "gpt-4o-mini" answered 401: Incorrect API key provided') });
  });

  it("works with Anthropic's tool_use", async () => {
    anthropic.script({ toolCalls: [{ id: "toolu_1", name: "add", input: { a: 20, b: 22 } }] }, { text: "42" });
    const outcome = await test.engine.startAndRun({ workflow: agentWorkflow({}, { anthropic: true }), input: { chatInput: "20 + 22?" } });
    expect(jsonOf(outcome)).toMatchObject([{ output: "42" }]);
    const second = anthropic.requests("messages")[1].body as { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
    expect(second.messages.at(-1)?.content[0]).toMatchObject({ type: "tool_result", tool_use_id: "toolu_1" });
  });

  it("is refused at validation without a chat model, naming the node", async () => {
    const error = await test.engine.start({ workflow: agentWorkflow({}, { withModel: false }) }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect((error as WorkflowValidationError).problems).toContainEqual(expect.objectContaining({ node: "Agent", code: "missing_sub_connection", message: '"Agent" needs a Chat Model (ai_languageModel) connected' }));
  });
});

describe("the agent's subgraph is durable", () => {
  it("a retried agent node resumes its subgraph: the model call and tool step before the failure are not repeated", async () => {
    openai.script({ toolCalls: [{ id: "call_r", name: "add", input: { a: 1, b: 2 } }] }, { error: { status: 500, message: "The server had an error" } }, { text: "3" });
    const workflow = agentWorkflow();
    const agentNode = workflow.nodes.find((node) => node.name === "Agent")!;
    Object.assign(agentNode, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
    const outcome = await test.engine.startAndRun({ workflow, input: { chatInput: "1 + 2?" } });
    expect(jsonOf(outcome)).toMatchObject([{ output: "3", usage: { calls: [{}, {}] } }]);
    // Three requests: the tool call, the 500, the answer. The first model call was not sent again, the tool ran once.
    expect(openai.calls().received).toBe(3);
    expect(adder.calls).toEqual([{ a: 1, b: 2 }]);
    const runs = await test.nodeRuns(outcome.executionId);
    expect(runs.find((run) => run.nodeName === "Agent")).toMatchObject({ attempt: 2, status: "succeeded" });
  });

  it("resumes after a crash from its last checkpoint: completed model calls are not sent again, a finished run calls nothing", async () => {
    const model: ChatModel = {
      provider: "openai",
      modelId: "gpt-4o-mini",
      model: createProviderModel("openai", { baseUrl: openai.url, apiKey: "sk-fixture" }, "gpt-4o-mini"),
      settings: { maxRetries: 0 },
    };
    openai.script({ toolCalls: [{ id: "call_x", name: "add", input: { a: 4, b: 5 } }] }, { text: "9" });
    let crashed = false;
    let process = new AbortController();
    // The first time, the tool "crashes the process" (the run's signal is aborted mid-step) after the model call was checkpointed.
    const crashingTool: AgentTool = {
      name: "add",
      description: "Adds",
      inputSchema: ADD_SCHEMA,
      async call(args) {
        if (!crashed) {
          crashed = true;
          process.abort(new Error("crash"));
          throw new Error("crash");
        }
        return add(args);
      },
    };
    const request = () => ({
      threadId: `exec-${randomBytes(4).toString("hex")}/Agent/0/0`,
      node: "Agent",
      checkpointer: test.engine.checkpointer,
      model,
      tools: [crashingTool],
      maxSteps: 5,
      toolTimeoutMs: 10_000,
      signal: process.signal,
      idempotencyPrefix: "exec:Agent",
      initialMessages: async () => [{ role: "user" as const, content: "4 + 5?" }],
    });
    const first = request();
    await expect(runAgent(first)).rejects.toThrow("crash");
    expect(openai.calls().received).toBe(1);

    process = new AbortController();
    const resumed = await runAgent({ ...first, signal: process.signal });
    expect(resumed.ran).toBe(true);
    expect(resumed.state.answer).toBe("9");
    expect(resumed.state.modelCalls).toBe(2);
    // One model call before the crash, one after: the first was not sent again.
    expect(openai.calls().received).toBe(2);
    expect(adder.calls).toEqual([{ a: 4, b: 5 }]);

    // Checkpoints from the first model call's answer on: the input and the start before it are rebuilt, not stored. (The
    // engine deletes the thread when its execution ends.)
    const steps: number[] = [];
    for await (const tuple of test.engine.checkpointer.list({ configurable: { thread_id: first.threadId } })) steps.push(tuple.metadata?.step ?? NaN);
    expect(steps.sort()).toEqual([1, 2, 3]);
    const again = await runAgent({ ...first, signal: process.signal });
    expect(again).toMatchObject({ ran: false, state: { answer: "9" } });
    expect(openai.calls().received).toBe(2);
  });
});
