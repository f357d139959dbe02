/**
 * `callModel` reads the provider's stream directly for agent conversations (lib/ai/language-model-prompt.ts) and goes
 * through `streamText` for anything else. Both must put the same request on the wire: the real providers against the
 * fixtures, the request bodies compared with what `streamText` itself sends for the same conversation.
 */
import type { JSONSchema7 } from "@ai-sdk/provider";
import { jsonSchema, streamText, tool, type ModelMessage } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChatModel } from "@/lib/ai/chat-model";
import type { JsonObject } from "@/lib/workflow/items";
import { toLanguageModelPrompt } from "@/lib/ai/language-model-prompt";
import { callModel } from "@/lib/ai/model-call";
import { createProviderModel, type ProviderName } from "@/lib/ai/providers";
import { startAnthropicFixture } from "../fixtures/anthropic-fixture-server";
import type { ModelFixture } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";

const saved = process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
let openai: ModelFixture;
let anthropic: ModelFixture;

beforeAll(async () => {
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  openai = await startOpenAiFixture({ apiKey: "sk-fixture" });
  anthropic = await startAnthropicFixture({ apiKey: "ak-fixture" });
});
afterAll(async () => {
  if (saved === undefined) delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
  else process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = saved;
  await openai?.close();
  await anthropic?.close();
});

/** A memory window's worth of agent conversation: earlier turns with tool calls and results, then the new message. */
const conversation: ModelMessage[] = [
  { role: "user", content: "Where is order 42?" },
  {
    role: "assistant",
    content: [
      { type: "text", text: "Let me look." },
      { type: "tool-call", toolCallId: "call_1", toolName: "lookup", input: { order: 42 } },
      { type: "tool-call", toolCallId: "call_2", toolName: "eta", input: { order: 42 } },
    ],
  },
  { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", toolName: "lookup", output: { type: "json", value: { status: "shipped" } } }] },
  { role: "tool", content: [{ type: "tool-result", toolCallId: "call_2", toolName: "eta", output: { type: "error-text", value: "timeout" } }] },
  { role: "assistant", content: [{ type: "text", text: "It has shipped." }] },
  { role: "user", content: [{ type: "text", text: "And order 43?" }] },
];
const lookupSchema: JSONSchema7 = { type: "object", properties: { order: { type: "number" } }, required: ["order"] };
const tools = [{ name: "lookup", description: "Finds an order", inputSchema: lookupSchema as JsonObject }];

function chatModel(provider: ProviderName, fixture: ModelFixture, apiKey: string, modelId: string): ChatModel {
  return { provider, modelId, model: createProviderModel(provider, { baseUrl: fixture.url, apiKey }, modelId), settings: { maxRetries: 0, temperature: 0.2, maxOutputTokens: 100 } };
}

describe("callModel", () => {
  beforeEach(() => {
    openai.reset();
    anthropic.reset();
  });

  for (const [provider, fixtureOf, apiKey, modelId] of [
    ["openai-compatible", () => openai, "sk-fixture", "gpt-4o-mini"],
    ["anthropic", () => anthropic, "ak-fixture", "claude-sonnet-4-5"],
  ] as const) {
    it(`sends ${provider} the request streamText sends, and reads text, tool calls, usage and the assistant message`, async () => {
      const fixture = fixtureOf();
      const model = chatModel(provider, fixture, apiKey, modelId);
      expect(toLanguageModelPrompt("Be brief.", conversation)).toBeDefined(); // the direct path
      fixture.script({ text: "Checking.", toolCalls: [{ id: "call_9", name: "lookup", input: { order: 43 } }], usage: { input: 30, output: 7 } });
      const deltas: string[] = [];
      const result = await callModel(model, { system: "Be brief.", messages: conversation, tools, signal: new AbortController().signal, onTextDelta: (delta) => deltas.push(delta) });
      expect(deltas.join("")).toBe("Checking.");
      expect(result).toMatchObject({
        text: "Checking.",
        toolCalls: [{ toolCallId: "call_9", toolName: "lookup", input: { order: 43 } }],
        finishReason: "tool-calls",
        usage: { provider, model: modelId, inputTokens: 30, outputTokens: 7, totalTokens: 37 },
        responseMessages: [{ role: "assistant", content: [{ type: "text", text: "Checking." }, { type: "tool-call", toolCallId: "call_9", toolName: "lookup", input: { order: 43 } }] }],
      });
      const direct = fixture.requests().at(-1)!.body;

      const sdk = streamText({
        model: model.model,
        system: "Be brief.",
        messages: conversation,
        tools: { lookup: tool({ description: tools[0].description, inputSchema: jsonSchema(lookupSchema) }) },
        temperature: 0.2,
        maxOutputTokens: 100,
        maxRetries: 0,
      });
      await sdk.consumeStream();
      expect(direct).toEqual(fixture.requests().at(-1)!.body);
    });
  }

  it("goes through streamText for what it does not convert (an image), and the image reaches the provider", async () => {
    const withImage: ModelMessage[] = [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image", image: new Uint8Array([137, 80, 78, 71]), mediaType: "image/png" }] }];
    expect(toLanguageModelPrompt(undefined, withImage)).toBeUndefined();
    openai.script({ text: "A picture." });
    const result = await callModel(chatModel("openai-compatible", openai, "sk-fixture", "gpt-4o-mini"), { messages: withImage, signal: new AbortController().signal });
    expect(result.text).toBe("A picture.");
    expect(JSON.stringify(openai.requests().at(-1)!.body)).toContain("data:image/png;base64,iVBORw==");
  });

  it("leaves a tool call without its result to streamText, which names it", async () => {
    const broken: ModelMessage[] = [conversation[1], { role: "user", content: "next" }];
    expect(toLanguageModelPrompt(undefined, broken)).toBeUndefined();
    await expect(callModel(chatModel("openai-compatible", openai, "sk-fixture", "gpt-4o-mini"), { messages: broken, signal: new AbortController().signal })).rejects.toThrow(/call_1/);
    expect(openai.requests()).toHaveLength(0);
  });
});
