/**
 * Templates imported into a workspace (the handler behind POST /api/v1/templates/import and the workflows page's
 * one-click import), then run against the OpenAI fixture as the OpenAI-compatible model: the webhook classifier answers
 * the JSON its Structured Output Parser checked; the support agent answers a chat message with its tool offered.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importTemplateHandler, listTemplatesHandler } from "@/lib/api/templates/handlers";
import type { Principal } from "@/lib/auth/authenticate";
import { createCredential } from "@/lib/db/queries/credentials";
import { createUser } from "@/lib/db/queries/users";
import { getWorkflow } from "@/lib/db/queries/workflows";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { RequestValidationError } from "@/lib/http/errors";
import { clearEncryptionKeyCache } from "@/lib/secrets";
import { activateWorkflow, workflowDocument } from "@/lib/triggers/activation";
import { handleWebhook } from "@/lib/triggers/webhooks";
import type { ModelFixture } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";
import { createTestEngine, jsonOf, type TestEngine } from "../helpers/engine";
import { runtimeOf } from "../helpers/triggers";

const saved = { key: process.env.HETUMIND_ENCRYPTION_KEY, allow: process.env.HETUMIND_ALLOW_PRIVATE_NETWORK };
let testEngine: TestEngine;
let openai: ModelFixture;
let principal: Principal;
const ids: Record<string, string> = {};

beforeAll(async () => {
  process.env.HETUMIND_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  clearEncryptionKeyCache();
  openai = await startOpenAiFixture({ apiKey: "sk-fixture" });
  testEngine = await createTestEngine();
  const db = testEngine.database.db;
  const user = await createUser(db, { email: `templates-${randomUUID()}@example.com`, passwordHash: null });
  principal = { userId: user.id, workspaceId: DEFAULT_WORKSPACE_ID, role: "editor", via: "apiKey" };
  ids.model = (await createCredential(db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "Local model", type: "openAiCompatibleApi", data: { baseUrl: openai.url, apiKey: "sk-fixture" } })).id;
  ids.bearer = (await createCredential(db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "Token", type: "httpBearerAuth", data: { token: "t0k3n" } })).id;
});
afterAll(async () => {
  await testEngine?.close();
  await openai?.close();
  for (const [name, value] of [["HETUMIND_ENCRYPTION_KEY", saved.key], ["HETUMIND_ALLOW_PRIVATE_NETWORK", saved.allow]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  clearEncryptionKeyCache();
});

describe("template import", () => {
  it("lists the templates with the credentials they need", () => {
    expect(listTemplatesHandler().data.map((template) => [template.id, template.credentials.map((need) => need.type)])).toEqual([
      ["support-agent", ["openAiCompatibleApi"]],
      ["mcp-agent", ["openAiCompatibleApi"]],
      ["webhook-classifier", ["openAiCompatibleApi"]],
    ]);
  });

  it("imports with a chosen credential, or leaves the placeholder to fill; refuses credentials that do not fit", async () => {
    const db = testEngine.database.db;
    const filled = await importTemplateHandler(db, principal, { templateId: "mcp-agent", credentials: { openAiCompatibleApi: ids.model } });
    expect(filled).toMatchObject({ name: "Agent with an MCP server's tools", active: false, templateId: "mcp-agent", credentialsToFill: [] });
    const stored = await getWorkflow(db, DEFAULT_WORKSPACE_ID, String(filled.id));
    expect((stored?.definition.nodes as Array<{ name: string; credentials?: unknown }>).find((node) => node.name === "Chat Model")?.credentials).toEqual({ openAiCompatibleApi: { id: ids.model, name: "Local model" } });

    const later = await importTemplateHandler(db, principal, { templateId: "support-agent", name: "My support bot", credentials: {} });
    expect(later).toMatchObject({ name: "My support bot", credentialsToFill: [{ type: "openAiCompatibleApi", nodes: ["Chat Model"] }] });

    const refused = importTemplateHandler(db, principal, { templateId: "support-agent", credentials: { openAiCompatibleApi: ids.bearer, anthropicApi: ids.model } });
    await expect(refused).rejects.toThrow(RequestValidationError);
    await expect(importTemplateHandler(db, principal, { templateId: "support-agent", credentials: { openAiCompatibleApi: ids.bearer, anthropicApi: ids.model } })).rejects.toMatchObject({
      problems: [
        { path: "credentials.openAiCompatibleApi", code: "credential_type_mismatch" },
        { path: "credentials.anthropicApi", code: "credential_not_needed" },
      ],
    });
    await expect(importTemplateHandler(db, principal, { templateId: "support-agent", credentials: { openAiCompatibleApi: randomUUID() } })).rejects.toMatchObject({ problems: [{ code: "credential_not_found" }] });
    await expect(importTemplateHandler(db, principal, { templateId: "no-such-template", credentials: {} })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("imported templates run", () => {
  it("the webhook classifier answers the structured JSON the model gave, checked by the output parser", async () => {
    const db = testEngine.database.db;
    const created = await importTemplateHandler(db, principal, { templateId: "webhook-classifier", credentials: { openAiCompatibleApi: ids.model } });
    await activateWorkflow(db, DEFAULT_WORKSPACE_ID, String(created.id));
    const answer = { category: "billing", urgency: "high", summary: "Charged twice for one order." };
    openai.script({ text: "not json" }, { text: JSON.stringify(answer) });
    const response = await handleWebhook(
      new Request("http://localhost/api/webhooks/classify-ticket", { method: "POST", body: JSON.stringify({ message: "I was charged twice!" }), headers: { "content-type": "application/json" } }),
      { test: false, runtime: runtimeOf(testEngine) },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(answer);
    const requests = openai.requests("chat");
    const first = JSON.stringify(requests[requests.length - 2]?.body);
    expect(first).toContain("I was charged twice!");
    expect(first).toContain('\\"enum\\":[\\"billing\\"');
    // The first answer was not JSON: one repair round.
    expect(JSON.stringify(requests[requests.length - 1]?.body)).toContain("does not match the required format");
  });

  it("the support agent answers a chat message with its model, memory and HTTP tool connected", async () => {
    const db = testEngine.database.db;
    const created = await importTemplateHandler(db, principal, { templateId: "support-agent", credentials: { openAiCompatibleApi: ids.model } });
    const row = await getWorkflow(db, DEFAULT_WORKSPACE_ID, String(created.id));
    openai.script({ text: "Hello! What is your order number?" });
    const outcome = await testEngine.engine.startAndRun({ workflow: workflowDocument(row!), workflowId: row!.id, input: { sessionId: "s-1", chatInput: "Hi there", action: "sendMessage" }, mode: "manual" });
    expect(jsonOf(outcome)).toMatchObject([{ output: "Hello! What is your order number?" }]);
    const request = openai.requests("chat").at(-1)?.body as { tools?: Array<{ function: { name: string } }>; messages: Array<{ content: unknown }> };
    expect(request.tools?.map((tool) => tool.function.name)).toEqual(["order_status"]);
    expect(JSON.stringify(request.messages)).toContain("Hi there");
  });
});

describe("a template imported without its credential", () => {
  it("fails on the model's node with a message saying the placeholder is to fill", async () => {
    const db = testEngine.database.db;
    const created = await importTemplateHandler(db, principal, { templateId: "support-agent", credentials: {} });
    const row = await getWorkflow(db, DEFAULT_WORKSPACE_ID, String(created.id));
    const outcome = await testEngine.engine.startAndRun({ workflow: workflowDocument(row!), workflowId: row!.id, input: { sessionId: "s-2", chatInput: "Hi" }, mode: "manual" });
    expect(outcome.status).toBe("failed");
    expect(outcome.status === "failed" ? outcome.error.message : "").toContain('needs a "openAiCompatibleApi" credential (imported as "OpenAI-compatible model"): create one and point the node at it');
  });
});
