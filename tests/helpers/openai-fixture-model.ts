/**
 * For a test file: the OpenAI fixture (tests/fixtures) and a chat model on it through the real `@ai-sdk/openai`
 * provider, started before the file's tests and closed after them, with HETUMIND_ALLOW_PRIVATE_NETWORK on meanwhile
 * (the fixture listens on 127.0.0.1). Call at the top level of the file.
 */
import { afterAll, beforeAll } from "vitest";
import type { ChatModel } from "@/lib/ai/chat-model";
import { createProviderModel } from "@/lib/ai/providers";
import type { ModelFixture } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";

export interface OpenAiFixtureModel {
  readonly fixture: ModelFixture;
  readonly model: ChatModel;
}

export function useOpenAiFixtureModel(): OpenAiFixtureModel {
  let fixture: ModelFixture | undefined;
  let model: ChatModel | undefined;
  const allowedBefore = process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
  beforeAll(async () => {
    process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
    fixture = await startOpenAiFixture({ apiKey: "sk-fixture" });
    model = { provider: "openai", modelId: "gpt-4o-mini", model: createProviderModel("openai", { baseUrl: fixture.url, apiKey: "sk-fixture" }, "gpt-4o-mini"), settings: { maxRetries: 0 } };
  });
  afterAll(async () => {
    if (allowedBefore === undefined) delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
    else process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = allowedBefore;
    await fixture?.close();
  });
  return {
    get fixture() {
      if (!fixture) throw new Error("the OpenAI fixture starts in beforeAll");
      return fixture;
    },
    get model() {
      if (!model) throw new Error("the OpenAI fixture starts in beforeAll");
      return model;
    },
  };
}
