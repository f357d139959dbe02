import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { APICallError, embed, generateText, jsonSchema, streamText, tool, type TextStreamPart, type ToolSet } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAnthropicFixture } from "../fixtures/anthropic-fixture-server";
import type { ModelFixture } from "../fixtures/model-fixture-core";
import { fixtureEmbedding, startOpenAiFixture } from "../fixtures/openai-fixture-server";

let openaiServer: ModelFixture;
let anthropicServer: ModelFixture;
let child: ChildProcess | undefined;

beforeAll(async () => {
  openaiServer = await startOpenAiFixture({ apiKey: "sk-fixture", models: ["gpt-fixture", "text-embedding-fixture"] });
  anthropicServer = await startAnthropicFixture({ apiKey: "ak-fixture" });
});
afterAll(async () => {
  await openaiServer?.close();
  await anthropicServer?.close();
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
});
beforeEach(() => {
  openaiServer.reset();
  anthropicServer.reset();
});

const openai = () => createOpenAI({ baseURL: openaiServer.url, apiKey: "sk-fixture" });
const anthropic = () => createAnthropic({ baseURL: anthropicServer.url, apiKey: "ak-fixture" });
// No `execute`: the caller (our agent) runs tools itself.
const tools: ToolSet = { add: tool({ description: "Adds", inputSchema: jsonSchema<{ a: number; b: number }>({ type: "object", properties: { a: { type: "number" }, b: { type: "number" } } }) }) };

async function streamParts(stream: AsyncIterable<TextStreamPart<ToolSet>>) {
  const parts: Array<TextStreamPart<ToolSet>> = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe("the OpenAI fixture", () => {
  it("answers chat completions, streaming and not, with text and tool calls, and records the requests", async () => {
    openaiServer.script({ text: "Hello there" }, { toolCalls: [{ id: "call_a", name: "add", input: { a: 1, b: 2 } }] }, { text: "streamed reply", usage: { input: 7, output: 3 } });
    const model = openai().chat("gpt-fixture");
    expect((await generateText({ model, prompt: "hi", maxRetries: 0 })).text).toBe("Hello there");
    const withTool = await generateText({ model, prompt: "add", tools, maxRetries: 0 });
    expect(withTool.toolCalls).toMatchObject([{ toolCallId: "call_a", toolName: "add", input: { a: 1, b: 2 } }]);
    expect(withTool.finishReason).toBe("tool-calls");
    const streamed = streamText({ model, prompt: "stream please", maxRetries: 0 });
    expect(await streamed.text).toBe("streamed reply");
    expect((await streamed.usage).inputTokens).toBe(7);
    expect(openaiServer.calls()).toMatchObject({ received: 3, completed: 3, byRoute: { chat: 3 } });
    const requests = openaiServer.requests("chat");
    expect(requests.map((request) => request.stream)).toEqual([false, false, true]);
    expect(requests[1].body).toMatchObject({ model: "gpt-fixture", tools: [{ type: "function", function: { name: "add" } }] });
  });

  it("answers the Responses API (the provider's default), streaming and not, with tool calls", async () => {
    openaiServer.script({ text: "from responses" }, { toolCalls: [{ id: "call_r", name: "add", input: { a: 2, b: 2 } }] });
    expect((await generateText({ model: openai()("gpt-fixture"), prompt: "hi", maxRetries: 0 })).text).toBe("from responses");
    const parts = await streamParts(streamText({ model: openai()("gpt-fixture"), prompt: "add", tools, maxRetries: 0 }).fullStream);
    expect(parts.find((part) => part.type === "tool-call")).toMatchObject({ toolCallId: "call_r", toolName: "add", input: { a: 2, b: 2 } });
    expect(openaiServer.calls().byRoute).toEqual({ responses: 2 });
  });

  it("embeds deterministically", async () => {
    const result = await embed({ model: openai().embedding("text-embedding-fixture"), value: "cats", maxRetries: 0 });
    expect(result.embedding).toEqual(fixtureEmbedding("cats"));
  });

  it("refuses a wrong key (401) and an unknown model (404) like the real API, and scripts 429 with Retry-After", async () => {
    const wrongKey = createOpenAI({ baseURL: openaiServer.url, apiKey: "nope" }).chat("gpt-fixture");
    const unauthorized = await generateText({ model: wrongKey, prompt: "x", maxRetries: 0 }).catch((error: unknown) => error);
    expect(APICallError.isInstance(unauthorized) && unauthorized.statusCode).toBe(401);
    const missing = await generateText({ model: openai().chat("gpt-nope"), prompt: "x", maxRetries: 0 }).catch((error: unknown) => error);
    expect(APICallError.isInstance(missing) && missing.statusCode).toBe(404);
    expect(APICallError.isInstance(missing) && missing.message).toContain("gpt-nope");
    openaiServer.script({ error: { status: 429, message: "Slow down", retryAfter: 0 } }, { text: "after the wait" });
    expect((await generateText({ model: openai().chat("gpt-fixture"), prompt: "x", maxRetries: 1 })).text).toBe("after the wait");
    expect(openaiServer.calls().received).toBe(4);
  });

  it("sends a malformed chunk in a stream when scripted to", async () => {
    openaiServer.script({ text: "partial answer here", malformed: true });
    const parts = await streamParts(streamText({ model: openai().chat("gpt-fixture"), prompt: "x", maxRetries: 0 }).fullStream);
    expect(parts.some((part) => part.type === "error")).toBe(true);
    expect(parts.filter((part) => part.type === "text-delta").map((part) => part.text).join("")).toBe("partial ");
  });
});

describe("the Anthropic fixture", () => {
  it("answers the Messages API, streaming and not, with text and tool_use", async () => {
    anthropicServer.script({ text: "Bonjour" }, { toolCalls: [{ id: "toolu_1", name: "add", input: { a: 5, b: 6 } }] }, { text: "streamed" });
    const model = anthropic()("claude-fixture");
    expect((await generateText({ model, prompt: "hi", maxRetries: 0 })).text).toBe("Bonjour");
    const parts = await streamParts(streamText({ model, prompt: "add", tools, maxRetries: 0 }).fullStream);
    expect(parts.find((part) => part.type === "tool-call")).toMatchObject({ toolCallId: "toolu_1", toolName: "add", input: { a: 5, b: 6 } });
    expect(await streamText({ model, prompt: "s", maxRetries: 0 }).text).toBe("streamed");
    expect(anthropicServer.calls()).toMatchObject({ received: 3, completed: 3 });
    expect(anthropicServer.requests("messages")[0].headers["x-api-key"]).toBe("ak-fixture");
  });

  it("refuses a wrong key with Anthropic's error shape", async () => {
    const error = await generateText({ model: createAnthropic({ baseURL: anthropicServer.url, apiKey: "bad" })("claude-fixture"), prompt: "x", maxRetries: 0 }).catch((failure: unknown) => failure);
    expect(APICallError.isInstance(error) && [error.statusCode, error.message]).toEqual([401, "invalid x-api-key"]);
  });
});

describe("a fixture in its own process", () => {
  it("prints its URL and is scripted and read through the control API", async () => {
    child = spawn(process.execPath, ["--import", "tsx", "tests/fixtures/openai-fixture-server.ts"], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
    const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
    const { url } = JSON.parse(line) as { url: string };
    const origin = url.replace(/\/v1$/, "");
    await fetch(`${origin}/_fixture/script`, { method: "POST", body: JSON.stringify({ replies: [{ text: "scripted over HTTP" }] }) });
    const result = await generateText({ model: createOpenAI({ baseURL: url, apiKey: "k" }).chat("m"), prompt: "hi", maxRetries: 0 });
    expect(result.text).toBe("scripted over HTTP");
    expect(await (await fetch(`${origin}/_fixture/calls`)).json()).toEqual({ received: 1, completed: 1, byRoute: { chat: 1 } });
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });
});
