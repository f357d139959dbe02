/**
 * The hosted chat page /chat/<workflowId> in Chromium against the production build (`next start`): a workspace-only Chat Trigger -> AI Agent
 * (OpenAI-compatible credential pointing at the OpenAI fixture in this process, Calculator tool, Postgres Chat Memory).
 * The reply streams in (a partial text is seen before the whole: the fixture pauses between deltas), the tool call shows
 * as a collapsible step with its input and output, and after a reload the session's history comes back from memory.
 * Also: the workflows list links to a workflow's chat, and a public chat with basic auth asks for its user name and
 * password (in a browser with no session) before it opens.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelFixture } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";
import { HAS_CHROMIUM, launchChromium, textsUntil } from "../helpers/browser";
import { E2E_SETUP_TIMEOUT_MS, startNextServer, type NextServer } from "../helpers/next-server";

const REPLY = "Six times seven is forty-two, as the calculator says.";

let server: NextServer;
let browser: Browser;
let page: Page;
let fixture: ModelFixture;
let workflowId: string;
/** Errors the page logged (a resource's 404, e.g. the favicon, is not one of ours). */
const consoleErrors: string[] = [];

beforeAll(async () => {
  fixture = await startOpenAiFixture();
  server = await startNextServer({ env: { HETUMIND_ALLOW_PRIVATE_NETWORK: "true" } });
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(60_000);
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
}, E2E_SETUP_TIMEOUT_MS); // may build the app first (tests/helpers/next-server.ts)

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fixture?.close();
});

async function api<T>(method: "post", path: string, data: unknown): Promise<T> {
  const response = await page.request[method](`${server.url}${path}`, { data });
  expect(response.status(), `${method.toUpperCase()} ${path}: ${await response.text()}`).toBeLessThan(300);
  return (await response.json()) as T;
}

describe.runIf(HAS_CHROMIUM)("hosted chat page (Chromium)", { timeout: 300_000 }, () => {
  it("signs up and saves a chat workflow with an OpenAI-compatible model on the fixture", async () => {
    await api("post", "/api/auth/sign-up", { email: "chat@example.com", password: "correct horse battery", name: "Chat" });
    const credential = await api<{ id: string }>("post", "/api/v1/credentials", { name: "Fixture", type: "openAiCompatibleApi", data: { baseUrl: fixture.url, apiKey: "sk-any" } });
    const workflow = await api<{ id: string }>("post", "/api/v1/workflows", {
      name: "Support chat",
      nodes: [
        { id: "c", name: "Chat", type: "hetumind.chatTrigger", parameters: { public: false, initialMessages: "Hi! Ask me anything.", options: { title: "Support chat" } } },
        { id: "a", name: "Agent", type: "hetumind.agent", parameters: { systemMessage: "Use the calculator for arithmetic." } },
        { id: "m", name: "Model", type: "hetumind.lmChatOpenAiCompatible", parameters: { model: "fixture-model", options: { maxRetries: 0 } }, credentials: { openAiCompatibleApi: { id: credential.id } } },
        { id: "t", name: "Calculator", type: "hetumind.toolCalculator", parameters: {} },
        { id: "k", name: "Memory", type: "hetumind.memoryPostgresChat", parameters: {} },
      ],
      connections: {
        Chat: { main: [[{ node: "Agent", type: "main", index: 0 }]] },
        Model: { ai_languageModel: [[{ node: "Agent", type: "ai_languageModel", index: 0 }]] },
        Calculator: { ai_tool: [[{ node: "Agent", type: "ai_tool", index: 0 }]] },
        Memory: { ai_memory: [[{ node: "Agent", type: "ai_memory", index: 0 }]] },
      },
      settings: {},
    });
    workflowId = workflow.id;
  });

  it("streams the reply token by token and shows the tool call as a collapsible step", async () => {
    await page.goto(`${server.url}/chat/${workflowId}`);
    await page.waitForLoadState("networkidle");
    expect(await page.getByTestId("chat-title").textContent()).toBe("Support chat");
    await expect.poll(() => page.getByTestId("chat-greeting").count(), { timeout: 60_000 }).toBe(1);

    fixture.script({ toolCalls: [{ id: "call_1", name: "calculator", input: { expression: "6 * 7" } }] }, { text: REPLY, chunkDelayMs: 150 });
    await page.getByTestId("chat-input").fill("What is 6 * 7?");
    await page.getByTestId("chat-send").click();

    // Partial text first (the stream is rendered as it arrives), then the whole reply.
    const seen = await textsUntil(page.getByTestId("chat-message-assistant").getByTestId("chat-text"), REPLY, 120_000);
    expect(seen.at(-1)).toBe(REPLY);
    expect(seen.some((text) => text.length > 0 && text.length < REPLY.length && REPLY.startsWith(text))).toBe(true);

    const step = page.getByTestId("tool-step");
    expect(await step.count()).toBe(1);
    expect(await step.getAttribute("data-tool")).toBe("calculator");
    expect(await step.getAttribute("data-state")).toBe("done");
    // Collapsed until opened.
    expect(await step.getByTestId("tool-output").isVisible()).toBe(false);
    await step.locator("summary").click();
    expect(await step.getByTestId("tool-input").textContent()).toContain("6 * 7");
    expect(await step.getByTestId("tool-output").textContent()).toContain("42");
    await expect.poll(() => page.getByTestId("chat-messages").getAttribute("data-status")).toBe("ready");
    expect(consoleErrors.filter((text) => !text.startsWith("Failed to load resource"))).toEqual([]);
  });

  it("comes back to the same session with its history (from memory) after a reload", async () => {
    await page.reload();
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.getByTestId("chat-message-user").count(), { timeout: 60_000 }).toBe(1);
    expect(await page.getByTestId("chat-message-user").textContent()).toContain("What is 6 * 7?");
    expect(await page.getByTestId("chat-message-assistant").getByTestId("chat-text").first().textContent()).toBe(REPLY);
    expect(await page.getByTestId("tool-step").count()).toBe(1);

    // The next message goes to the same session: the model sees the first turn.
    const before = fixture.requests("chat").length;
    await page.getByTestId("chat-input").fill("And plus one?");
    await page.getByTestId("chat-send").click();
    await expect.poll(() => page.getByTestId("chat-message-assistant").count(), { timeout: 120_000 }).toBe(2);
    await expect.poll(() => page.getByTestId("chat-message-assistant").nth(1).getByTestId("chat-text").textContent(), { timeout: 120_000 }).toBe("You said: And plus one?");
    const request = fixture.requests("chat")[before].body as { messages: Array<{ role: string; content: unknown }> };
    expect(request.messages.filter((message) => message.role === "user").map((message) => message.content)).toEqual(["What is 6 * 7?", "And plus one?"]);
  });

  it("the workflows list links a workflow with a Chat Trigger to its chat page", async () => {
    await page.goto(`${server.url}/workflows`);
    const row = page.locator(`[data-testid=workflow-row][data-workflow-id="${workflowId}"]`);
    await row.getByTestId("open-chat").click();
    await page.waitForURL(`${server.url}/chat/${workflowId}`);
    await expect.poll(() => page.getByTestId("chat-message-user").count(), { timeout: 60_000 }).toBe(2);
  });

  it("a public chat with basic auth asks a visitor for the user name and password, refuses wrong ones, then chats", async () => {
    const credential = await api<{ id: string }>("post", "/api/v1/credentials", { name: "Fixture 2", type: "openAiCompatibleApi", data: { baseUrl: fixture.url, apiKey: "sk-any" } });
    const workflow = await api<{ id: string }>("post", "/api/v1/workflows", {
      name: "Guarded chat",
      nodes: [
        { id: "c", name: "Chat", type: "hetumind.chatTrigger", parameters: { public: true, authentication: "basicAuth", basicAuth: { user: "visitor", password: "pässword 1" }, initialMessages: "Welcome, visitor." } },
        { id: "a", name: "Agent", type: "hetumind.agent", parameters: {} },
        { id: "m", name: "Model", type: "hetumind.lmChatOpenAiCompatible", parameters: { model: "fixture-model", options: { maxRetries: 0 } }, credentials: { openAiCompatibleApi: { id: credential.id } } },
      ],
      connections: {
        Chat: { main: [[{ node: "Agent", type: "main", index: 0 }]] },
        Model: { ai_languageModel: [[{ node: "Agent", type: "ai_languageModel", index: 0 }]] },
      },
      settings: {},
    });
    await api("post", `/api/v1/workflows/${workflow.id}/activate`, {});

    // A visitor: another browser context, no session.
    const visitor = await (await browser.newContext()).newPage();
    visitor.setDefaultTimeout(60_000);
    await visitor.goto(`${server.url}/chat/${workflow.id}`);
    await visitor.getByTestId("chat-auth-form").waitFor();
    expect(await visitor.getByTestId("chat-input").count()).toBe(0);
    await visitor.getByTestId("chat-auth-user").fill("visitor");
    await visitor.getByTestId("chat-auth-password").fill("wrong");
    await visitor.getByTestId("chat-auth-submit").click();
    await visitor.getByTestId("chat-auth-error").waitFor();
    expect(await visitor.getByTestId("chat-input").count()).toBe(0);

    await visitor.getByTestId("chat-auth-password").fill("pässword 1");
    await visitor.getByTestId("chat-auth-submit").click();
    await expect.poll(() => visitor.getByTestId("chat-greeting").textContent(), { timeout: 60_000 }).toBe("Welcome, visitor.");
    await visitor.getByTestId("chat-input").fill("Hello there");
    await visitor.getByTestId("chat-send").click();
    await expect.poll(() => visitor.getByTestId("chat-message-assistant").getByTestId("chat-text").first().textContent(), { timeout: 60_000 }).toBe("You said: Hello there");

    // A reload in the same tab keeps the sign-in (sessionStorage); this chat has no memory, so it starts over.
    await visitor.reload();
    await visitor.getByTestId("chat-input").waitFor();
    expect(await visitor.getByTestId("chat-auth-form").count()).toBe(0);
    expect(await visitor.getByTestId("chat-greeting").textContent()).toBe("Welcome, visitor.");
    await visitor.context().close();
  });
});
