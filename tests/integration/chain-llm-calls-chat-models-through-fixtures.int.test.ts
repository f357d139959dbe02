import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { OutputParser } from "@/lib/ai/output-parser";
import { createCredential } from "@/lib/db/queries/credentials";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { clearEncryptionKeyCache } from "@/lib/secrets";
import { defineSubNode, type AnyNodeDefinition } from "@/lib/workflow/node-definition";
import type { WorkflowInput } from "@/lib/workflow/schema";
import { nodeDefinitions } from "@/nodes";
import { startAnthropicFixture } from "../fixtures/anthropic-fixture-server";
import type { ModelFixture, ScriptedReply } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";
import { createTestEngine, jsonOf, type TestEngine } from "../helpers/engine";

/** An output parser sub-node written in the test: the answer must be `{ "city": string }`. */
const cityParser = defineSubNode({
  type: "hetumind.testCityParser",
  version: 1,
  displayName: "City Parser (test)",
  description: "Parses { city }.",
  group: "ai",
  icon: "braces",
  inputs: [],
  outputs: [{ kind: "ai_outputParser" }],
  parameters: z.object({}),
  sideEffects: false,
  supply(): OutputParser {
    return {
      jsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      parse(text) {
        const value = z.object({ city: z.string() }).parse(JSON.parse(text));
        return value;
      },
    };
  },
});

const saved = { key: process.env.HETUMIND_ENCRYPTION_KEY, allow: process.env.HETUMIND_ALLOW_PRIVATE_NETWORK };
let test: TestEngine;
let openai: ModelFixture;
let anthropic: ModelFixture;
const ids: Record<string, string> = {};

beforeAll(async () => {
  process.env.HETUMIND_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  clearEncryptionKeyCache();
  openai = await startOpenAiFixture({ apiKey: "sk-fixture", models: ["gpt-4o-mini", "local-llama"] });
  anthropic = await startAnthropicFixture({ apiKey: "ak-fixture" });
  const registry = new Map<string, AnyNodeDefinition>([...nodeDefinitions, cityParser].map((definition) => [definition.type, definition]));
  test = await createTestEngine({ registry });
  const db = test.database.db;
  const ws = DEFAULT_WORKSPACE_ID;
  ids.openai = (await createCredential(db, { workspaceId: ws, name: "OpenAI", type: "openAiApi", data: { apiKey: "sk-fixture", baseUrl: openai.url, organization: "org-7", extraHeaders: '{"X-Title":"hetumind-test"}' } })).id;
  ids.wrongKey = (await createCredential(db, { workspaceId: ws, name: "Wrong", type: "openAiApi", data: { apiKey: "sk-wrong", baseUrl: openai.url } })).id;
  ids.anthropic = (await createCredential(db, { workspaceId: ws, name: "Anthropic", type: "anthropicApi", data: { apiKey: "ak-fixture", baseUrl: anthropic.url } })).id;
  ids.compatible = (await createCredential(db, { workspaceId: ws, name: "Local", type: "openAiCompatibleApi", data: { baseUrl: openai.url, apiKey: "sk-fixture" } })).id;
});
afterAll(async () => {
  await test?.close();
  await openai?.close();
  await anthropic?.close();
  if (saved.key === undefined) delete process.env.HETUMIND_ENCRYPTION_KEY;
  else process.env.HETUMIND_ENCRYPTION_KEY = saved.key;
  if (saved.allow === undefined) delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
  else process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = saved.allow;
  clearEncryptionKeyCache();
});
beforeEach(() => {
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  openai.reset();
  anthropic.reset();
});

interface ChainSetup {
  modelType?: string;
  model?: string;
  credential?: Record<string, { id: string }>;
  options?: Record<string, unknown>;
  chat?: Record<string, unknown>;
  parser?: boolean;
}

function chainWorkflow(setup: ChainSetup = {}): WorkflowInput {
  const modelType = setup.modelType ?? "hetumind.lmChatOpenAi";
  return {
    name: "chain",
    nodes: [
      { id: "s", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
      { id: "c", name: "Chain", type: "hetumind.chainLlm", parameters: setup.chat ?? {} },
      {
        id: "m",
        name: "Model",
        type: modelType,
        parameters: { model: setup.model ?? "gpt-4o-mini", options: { maxRetries: 0, ...setup.options } },
        credentials: setup.credential ?? { openAiApi: { id: ids.openai } },
      },
      ...(setup.parser ? [{ id: "p", name: "Parser", type: "hetumind.testCityParser", parameters: {} }] : []),
    ],
    connections: {
      Start: { main: [[{ node: "Chain", type: "main", index: 0 }]] },
      Model: { ai_languageModel: [[{ node: "Chain", type: "ai_languageModel", index: 0 }]] },
      ...(setup.parser ? { Parser: { ai_outputParser: [[{ node: "Chain", type: "ai_outputParser", index: 0 }]] } } : {}),
    },
  };
}

async function failureOf(workflow: WorkflowInput, input: unknown = { chatInput: "hi" }): Promise<string> {
  const outcome = await test.engine.startAndRun({ workflow, input });
  if (outcome.status !== "failed") throw new Error(`expected a failure, got ${outcome.status}`);
  return outcome.error.message;
}

describe("Basic LLM Chain with the OpenAI chat model", () => {
  it("sends the prompt (default: chatInput) and outputs the text with usage and cost, through chat completions with the credential's headers", async () => {
    openai.script({ text: "Paris", usage: { input: 1000, output: 20 } }, { text: "Rome" });
    const outcome = await test.engine.startAndRun({ workflow: chainWorkflow(), input: [{ chatInput: "Capital of France?" }, { chatInput: "Capital of Italy?" }] });
    const [first, second] = jsonOf(outcome) as Array<{ text: string; usage: Record<string, unknown> }>;
    expect(first.text).toBe("Paris");
    expect(second.text).toBe("Rome");
    // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
    expect(first.usage).toMatchObject({ inputTokens: 1000, outputTokens: 20, totalTokens: 1020, costUsd: 0.000162, calls: [{ provider: "openai", model: "gpt-4o-mini" }] });
    const [request] = openai.requests("chat");
    expect(request.body).toMatchObject({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Capital of France?" }] });
    expect(request.headers).toMatchObject({ authorization: "Bearer sk-fixture", "openai-organization": "org-7", "x-title": "hetumind-test" });
    expect(openai.calls().byRoute).toEqual({ chat: 2 });
  });

  it("takes the prompt and system message from expressions, and the model's options", async () => {
    openai.script({ text: "ok" });
    await test.engine.startAndRun({
      workflow: chainWorkflow({ chat: { prompt: "Translate {{ $json.word }}", systemMessage: "You translate to {{ $json.language }}." }, options: { temperature: 0.2, maxTokens: 50 } }),
      input: { word: "cat", language: "French" },
    });
    expect(openai.requests("chat")[0].body).toMatchObject({
      temperature: 0.2,
      max_tokens: 50,
      messages: [{ role: "system", content: "You translate to French." }, { role: "user", content: "Translate cat" }],
    });
  });

  it("outputs structured JSON when an output parser is connected, with one repair round", async () => {
    openai.script({ text: "The city is Paris" }, { text: '{"city":"Paris"}' });
    const outcome = await test.engine.startAndRun({ workflow: chainWorkflow({ parser: true }), input: { chatInput: "Where is the Louvre?" } });
    expect(jsonOf(outcome)).toMatchObject([{ output: { city: "Paris" }, usage: { calls: [{}, {}] } }]);
    const [, repair] = openai.requests("chat");
    const messages = (repair.body as { messages: Array<{ role: string; content: string }> }).messages;
    expect(messages[0].content).toContain('"required":["city"]');
    expect(messages.at(-2)).toMatchObject({ role: "assistant", content: "The city is Paris" });
    expect(messages.at(-1)?.content).toContain("does not match the required format");
    openai.script({ text: "no" }, { text: "still no" });
    expect(await failureOf(chainWorkflow({ parser: true }))).toMatch(/Node "Chain" \(item 0\): the model's answer does not match the output format after one repair round/);
  });
});

describe("Basic LLM Chain with the other providers", () => {
  it("calls Anthropic's Messages API", async () => {
    anthropic.script({ text: "Bonjour", usage: { input: 100, output: 10 } });
    const outcome = await test.engine.startAndRun({
      workflow: chainWorkflow({ modelType: "hetumind.lmChatAnthropic", model: "claude-3-5-haiku-latest", credential: { anthropicApi: { id: ids.anthropic } } }),
      input: { chatInput: "Say hello in French" },
    });
    expect(jsonOf(outcome)).toMatchObject([{ text: "Bonjour", usage: { inputTokens: 100, outputTokens: 10, calls: [{ provider: "anthropic" }] } }]);
    expect(anthropic.requests("messages")[0].headers["x-api-key"]).toBe("ak-fixture");
  });

  it("calls any OpenAI-compatible server at its base URL (no price: no cost)", async () => {
    openai.script({ text: "local answer" });
    const outcome = await test.engine.startAndRun({
      workflow: chainWorkflow({ modelType: "hetumind.lmChatOpenAiCompatible", model: "local-llama", credential: { openAiCompatibleApi: { id: ids.compatible } } }),
      input: { chatInput: "hi" },
    });
    const [json] = jsonOf(outcome) as Array<{ text: string; usage: Record<string, unknown> }>;
    expect(json.text).toBe("local answer");
    expect(json.usage.costUsd).toBeUndefined();
    expect(openai.requests("chat")[0].body).toMatchObject({ model: "local-llama" });
  });
});

describe("provider errors become node errors naming the provider, the status and the message", () => {
  it("401: a wrong key", async () => {
    expect(await failureOf(chainWorkflow({ credential: { openAiApi: { id: ids.wrongKey } } }))).toMatch(/OpenAI model "gpt-4o-mini" answered 401: Incorrect API key provided/);
  });

  it("404: an unknown model", async () => {
    expect(await failureOf(chainWorkflow({ model: "gpt-nope" }))).toMatch(/OpenAI model "gpt-nope" answered 404: The model 'gpt-nope' does not exist/);
  });

  it("429: retried after Retry-After, then answered; still 429 after the retries: the error says how many attempts", async () => {
    openai.script({ error: { status: 429, message: "Rate limit reached", retryAfter: 0 } }, { text: "after the wait" });
    const outcome = await test.engine.startAndRun({ workflow: chainWorkflow({ options: { maxRetries: 2 } }), input: { chatInput: "hi" } });
    expect(jsonOf(outcome)).toMatchObject([{ text: "after the wait" }]);
    expect(openai.calls().received).toBe(2);
    const limited: ScriptedReply = { error: { status: 429, message: "Rate limit reached", retryAfterMs: 0 } };
    openai.script(limited, limited);
    expect(await failureOf(chainWorkflow({ options: { maxRetries: 1 } }))).toMatch(/OpenAI model "gpt-4o-mini" answered 429 after 2 attempts: Rate limit reached/);
  });

  it("500: a server error", async () => {
    openai.script({ error: { status: 500, message: "The server had an error" } });
    expect(await failureOf(chainWorkflow())).toMatch(/OpenAI model "gpt-4o-mini" answered 500: The server had an error/);
  });

  it("a malformed stream chunk", async () => {
    openai.script({ text: "half an answer", malformed: true });
    expect(await failureOf(chainWorkflow())).toMatch(/OpenAI model "gpt-4o-mini" sent a malformed response/);
  });

  it("Anthropic's errors the same way", async () => {
    anthropic.script({ error: { status: 529, message: "Overloaded" } });
    const workflow = chainWorkflow({ modelType: "hetumind.lmChatAnthropic", model: "claude-3-5-haiku-latest", credential: { anthropicApi: { id: ids.anthropic } } });
    expect(await failureOf(workflow)).toMatch(/Anthropic model "claude-3-5-haiku-latest" answered 529: Overloaded/);
  });

  it("a private address without HETUMIND_ALLOW_PRIVATE_NETWORK is refused before any request", async () => {
    delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
    const message = await failureOf(chainWorkflow());
    expect(message).toMatch(/OpenAI model "gpt-4o-mini": .*(private|loopback)/i);
    expect(openai.calls().received).toBe(0);
  });

  it("no prompt and no chatInput", async () => {
    expect(await failureOf(chainWorkflow(), { question: "?" })).toMatch(/Node "Chain" \(item 0\): no prompt/);
  });
});
