/**
 * Issue 5's "done when", in Chromium against the production build: a new user signs up, adds an OpenAI-compatible
 * credential on the credentials page (pointing at the OpenAI fixture of this process), imports the support-agent
 * template with it in one click, opens its chat from the workflows list, chats with streaming, watches the HTTP tool's
 * call and result, and comes back to the same session with its memory.
 *
 * The template's HTTP tool calls https://api.example.com; this machine has no internet, so the test points the tool at a
 * local order service through the REST API (what a user does in the editor), with HETUMIND_ALLOW_PRIVATE_NETWORK=true.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelFixture, RecordedRequest, ScriptedReply } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";

import { HAS_CHROMIUM, launchChromium, textsUntil, waitForHydration } from "../helpers/browser";
import { E2E_SETUP_TIMEOUT_MS, startNextServer, type NextServer } from "../helpers/next-server";

const TEMPLATE_NAME = "Support agent with memory and an HTTP tool";

type ChatRequest = { messages: Array<{ role: string; content: unknown }> };

let server: NextServer;
let browser: Browser;
let page: Page;
let fixture: ModelFixture;
let orders: Server;
let ordersUrl: string;
let workflowId: string;

/** The model: asks for the order's status when the user gives a number, then answers from the tool's result. */
function respond(request: RecordedRequest): ScriptedReply {
  const messages = (request.body as ChatRequest).messages;
  const last = messages.at(-1);
  if (last?.role === "tool") {
    const result = typeof last.content === "string" ? last.content : JSON.stringify(last.content);
    const status = /"status":"(\w+)"/.exec(result)?.[1] ?? "unknown";
    return { text: `Your order is ${status}.`, chunkDelayMs: 60 };
  }
  const text = typeof last?.content === "string" ? last.content : "";
  const number = /\d+/.exec(text)?.[0];
  if (number) return { toolCalls: [{ id: `call_${number}`, name: "order_status", input: { orderNumber: number } }] };
  const turns = messages.filter((message) => message.role === "user").length;
  return { text: `You wrote ${turns} messages so far.` };
}

beforeAll(async () => {
  fixture = await startOpenAiFixture({ respond });
  orders = createServer((request, response) => {
    const number = /\/orders\/(\d+)$/.exec(request.url ?? "")?.[1];
    response.writeHead(number ? 200 : 404, { "content-type": "application/json" });
    response.end(JSON.stringify(number ? { order: number, status: "shipped", delivery: "2026-12-01" } : { error: "no such order" }));
  });
  await new Promise<void>((resolve) => orders.listen(0, "127.0.0.1", resolve));
  ordersUrl = `http://127.0.0.1:${(orders.address() as AddressInfo).port}`;
  server = await startNextServer({ env: { HETUMIND_ALLOW_PRIVATE_NETWORK: "true" } });
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(60_000);
}, E2E_SETUP_TIMEOUT_MS); // may build the app first (tests/helpers/next-server.ts)

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fixture?.close();
  await new Promise((resolve) => orders?.close(resolve));
});

describe.runIf(HAS_CHROMIUM)("support-agent template: credential, import, hosted chat with a tool, memory (Chromium)", { timeout: 240_000 }, () => {
  it("signs up and adds an OpenAI-compatible credential on the credentials page", async () => {
    await page.goto(`${server.url}/sign-up`);
    await waitForHydration(page);
    await page.getByTestId("email").fill("support@example.com");
    await page.getByTestId("password").fill("support's long password");
    await page.getByTestId("submit").click();
    await page.waitForURL(/\/workflows$/);
    await page.getByTestId("nav-credentials").click();
    await page.waitForURL(/\/credentials$/);
    await waitForHydration(page);
    const type = page.getByTestId("credential-type-openAiCompatibleApi");
    await type.locator("summary").click();
    await type.getByTestId("credential-name").fill("Local model");
    await type.getByTestId("credential-field-baseUrl").fill(fixture.url);
    await type.getByTestId("credential-field-apiKey").fill("sk-local");
    await type.getByTestId("credential-save").click();
    await expect.poll(() => type.getByTestId("credential-ok").textContent()).toContain('Saved "Local model"');
  });

  it("imports the support-agent template with that credential in one click", async () => {
    await page.getByTestId("nav-workflows").click();
    await page.waitForURL(/\/workflows$/);
    await waitForHydration(page);
    const template = page.locator('[data-template-id="support-agent"]');
    const choice = template.getByTestId("template-credential-openAiCompatibleApi");
    await choice.selectOption({ label: "Local model" });
    await template.getByTestId("template-import").click();
    await expect.poll(() => template.getByTestId("template-import-ok").textContent()).toContain(`Imported "${TEMPLATE_NAME}"`);
    expect(await template.getByTestId("template-import-ok").textContent()).not.toContain("credential to fill");
    await page.reload();
    const row = page.getByTestId("workflow-row").filter({ has: page.getByTestId("workflow-name").getByText(TEMPLATE_NAME, { exact: true }) });
    workflowId = (await row.getAttribute("data-workflow-id"))!;
    expect(workflowId).toBeTruthy();

    // The editor's job, through the API: the order tool calls the local order service instead of api.example.com.
    const workflow = (await (await page.request.get(`${server.url}/api/v1/workflows/${workflowId}`)).json()) as { versionId: string; nodes: Array<{ name: string; parameters: Record<string, unknown> }> };
    const tool = workflow.nodes.find((node) => node.name === "Order status")!;
    tool.parameters.url = `${ordersUrl}/orders/{orderNumber}`;
    const updated = await page.request.put(`${server.url}/api/v1/workflows/${workflowId}`, { data: workflow });
    expect(updated.status(), await updated.text()).toBe(200);
  });

  it("opens the chat from the workflows list, streams the answer and shows the tool's call and result", async () => {
    await page.reload();
    await page.locator(`[data-testid=workflow-row][data-workflow-id="${workflowId}"]`).getByTestId("open-chat").click();
    await page.waitForURL(`${server.url}/chat/${workflowId}`);
    await expect.poll(() => page.getByTestId("chat-greeting").textContent()).toContain("What is your order number?");
    expect(await page.getByTestId("chat-title").textContent()).toBe("Support");

    await page.getByTestId("chat-input").fill("Where is my order 4711?");
    await page.getByTestId("chat-send").click();
    const seen = await textsUntil(page.getByTestId("chat-message-assistant").getByTestId("chat-text"), "Your order is shipped.");
    expect(seen.at(-1)).toBe("Your order is shipped.");
    expect(seen.some((text) => text.length < "Your order is shipped.".length)).toBe(true); // streamed, not all at once

    const step = page.getByTestId("tool-step");
    expect(await step.count()).toBe(1);
    expect(await step.getAttribute("data-tool")).toBe("order_status");
    expect(await step.getAttribute("data-state")).toBe("done");
    await step.locator("summary").click();
    expect(await step.getByTestId("tool-input").textContent()).toContain("4711");
    expect(await step.getByTestId("tool-output").textContent()).toContain("shipped");
    // The tool's result reached the model.
    const second = fixture.requests("chat")[1].body as ChatRequest;
    expect(JSON.stringify(second.messages.at(-1))).toContain("2026-12-01");
  });

  it("comes back to the same session: the history is on the page and the model gets the earlier turn", async () => {
    await page.reload();
    await expect.poll(() => page.getByTestId("chat-message-user").count()).toBe(1);
    expect(await page.getByTestId("tool-step").count()).toBe(1);
    const before = fixture.requests("chat").length;
    await page.getByTestId("chat-input").fill("Thanks!");
    await page.getByTestId("chat-send").click();
    await expect.poll(() => page.getByTestId("chat-message-assistant").nth(1).getByTestId("chat-text").textContent()).toBe("You wrote 2 messages so far.");
    const request = fixture.requests("chat")[before].body as ChatRequest;
    expect(request.messages.filter((message) => message.role === "user").map((message) => message.content)).toEqual(["Where is my order 4711?", "Thanks!"]);
  });
});
