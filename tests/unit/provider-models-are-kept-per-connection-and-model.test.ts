/**
 * Provider models are built once per provider, connection and model id (lib/ai/providers.ts): a model holds only its
 * settings, and building one (with its zod schemas of the provider's chunks) costs on every run otherwise. A different
 * key, base URL, header or model id gets a model of its own.
 */
import { describe, expect, it } from "vitest";
import { createProviderModel } from "@/lib/ai/providers";

describe("provider models", () => {
  const connection = { baseUrl: "https://models.example.test/v1", apiKey: "sk-one", headers: { "x-team": "a" } };

  it("are reused for the same provider, connection and model id", () => {
    const first = createProviderModel("openai-compatible", connection, "m1");
    expect(createProviderModel("openai-compatible", { ...connection, headers: { "x-team": "a" } }, "m1")).toBe(first);
    expect(first.modelId).toBe("m1");
  });

  it("are not shared across keys, base URLs, headers, model ids or providers", () => {
    const first = createProviderModel("openai-compatible", connection, "m1");
    const others = [
      createProviderModel("openai-compatible", { ...connection, apiKey: "sk-two" }, "m1"),
      createProviderModel("openai-compatible", { ...connection, baseUrl: "https://other.example.test/v1" }, "m1"),
      createProviderModel("openai-compatible", { ...connection, headers: { "x-team": "b" } }, "m1"),
      createProviderModel("openai-compatible", connection, "m2"),
      createProviderModel("openai", connection, "m1"),
    ];
    for (const other of others) expect(other).not.toBe(first);
    expect(new Set(others).size).toBe(others.length);
  });

  it("keep the last 64 used", () => {
    const first = createProviderModel("openai-compatible", connection, "kept-0");
    for (let index = 1; index <= 64; index++) createProviderModel("openai-compatible", connection, `kept-${index}`);
    expect(createProviderModel("openai-compatible", connection, "kept-0")).not.toBe(first);
    const recent = createProviderModel("openai-compatible", connection, "kept-64");
    expect(createProviderModel("openai-compatible", connection, "kept-64")).toBe(recent);
  });

  it("are built each time when a fetch of their own is given", () => {
    const custom = (() => Promise.reject(new Error("unused"))) as unknown as typeof fetch;
    expect(createProviderModel("openai-compatible", connection, "m1", { fetch: custom })).not.toBe(createProviderModel("openai-compatible", connection, "m1", { fetch: custom }));
  });
});
