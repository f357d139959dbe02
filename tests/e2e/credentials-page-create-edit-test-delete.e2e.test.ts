import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { HAS_CHROMIUM, launchChromium, waitForHydration } from "../helpers/browser";
import { E2E_SETUP_TIMEOUT_MS, startNextServer, type NextServer } from "../helpers/next-server";

/** The secret: it must never come back to the browser once saved. */
const MARKER = `sk-e2e-marker-${randomUUID()}`;

let server: NextServer;
let browser: Browser;
let page: Page;
/** A local OpenAI-compatible server: GET /v1/models accepts only `Bearer ${MARKER}`. */
let provider: Server;
let providerUrl = "";
const providerCalls: string[] = [];
let previousAllowPrivate: string | undefined;

async function open(path: string): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.waitForLoadState("networkidle");
  await waitForHydration(page);
}

function row(name: string) {
  return page.locator(`[data-testid=credential-row][data-credential-name="${name}"]`);
}

/** Neither the rendered page nor the raw response (HTML + React payload) of /credentials holds the secret. */
async function expectMarkerNowhere(): Promise<void> {
  expect(await page.content()).not.toContain(MARKER);
  const raw = await (await page.request.get(`${server.url}/credentials`)).text();
  expect(raw).toContain("<h1>Credentials</h1>");
  expect(raw).not.toContain(MARKER);
}

async function runTest(name: string): Promise<{ result: string | null; text: string | null }> {
  const target = row(name);
  await target.getByTestId("credential-test").click();
  await expect.poll(() => target.getByTestId("credential-test-result").count(), { timeout: 60_000 }).toBe(1);
  const result = target.getByTestId("credential-test-result");
  return { result: await result.getAttribute("data-result"), text: await result.textContent() };
}

beforeAll(async () => {
  provider = createServer((request, response) => {
    providerCalls.push(`${request.method} ${request.url}`);
    if (request.method === "GET" && request.url === "/v1/models") {
      const ok = request.headers.authorization === `Bearer ${MARKER}`;
      response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      response.end(JSON.stringify(ok ? { object: "list", data: [{ id: "local-model", object: "model" }] } : { error: { message: "bad key" } }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
  providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`;
  // The credential test goes through the guarded fetch, which refuses loopback unless the operator allows it.
  previousAllowPrivate = process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  server = await startNextServer();
  browser = await launchChromium();
  const context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.on("dialog", (dialog) => void dialog.accept());
}, E2E_SETUP_TIMEOUT_MS); // may build the app first (tests/helpers/next-server.ts)

afterAll(async () => {
  if (previousAllowPrivate === undefined) delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
  else process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = previousAllowPrivate;
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => provider?.close(resolve));
});

describe.runIf(HAS_CHROMIUM)("credentials page: create, secrets never shown, edit, test, delete (Chromium)", { timeout: 240_000 }, () => {
  it("signs up and opens the empty credentials page with a form per declared type", async () => {
    await open("/sign-up");
    await page.getByTestId("email").fill("vault@example.com");
    await page.getByTestId("password").fill("vault's long password");
    await page.getByTestId("submit").click();
    await page.waitForURL(/\/workflows$/);
    await page.getByTestId("nav-credentials").click();
    await page.waitForURL(/\/credentials$/);
    await waitForHydration(page);
    expect(await page.getByTestId("credentials-empty").count()).toBe(1);
    for (const type of ["httpHeaderAuth", "httpBasicAuth", "httpBearerAuth", "openAiApi"]) {
      expect(await page.getByTestId(`credential-type-${type}`).count(), type).toBe(1);
    }
  });

  it("shows a field's problem inline (422) and saves nothing", async () => {
    const type = page.getByTestId("credential-type-httpHeaderAuth");
    await type.locator("summary").click();
    await type.getByTestId("credential-name").fill("Bad header");
    await type.getByTestId("credential-field-name").fill("not a header");
    await type.getByTestId("credential-field-value").fill("whatever");
    await type.getByTestId("credential-save").click();
    await expect.poll(() => type.getByTestId("credential-error").textContent(), { timeout: 60_000 }).toContain("422");
    expect(await type.getByTestId("credential-error").textContent()).toContain("not a valid HTTP header name");
    expect(await row("Bad header").count()).toBe(0);
  });

  it("creates an OpenAI credential; after saving, the secret is shown as stored and never again", async () => {
    const type = page.getByTestId("credential-type-openAiApi");
    await type.locator("summary").click();
    await type.getByTestId("credential-name").fill("Local models");
    await type.getByTestId("credential-field-apiKey").fill(MARKER);
    await type.getByTestId("credential-field-baseUrl").fill(providerUrl);
    await type.getByTestId("credential-save").click();
    await expect.poll(() => type.getByTestId("credential-ok").textContent(), { timeout: 60_000 }).toContain('Saved "Local models"');
    await expect.poll(() => row("Local models").count(), { timeout: 60_000 }).toBe(1);
    expect(await row("Local models").locator("[data-testid=credential-row-field][data-field=apiKey]").textContent()).toContain("(stored)");
    expect(await row("Local models").locator("[data-testid=credential-row-field][data-field=baseUrl]").textContent()).toContain(providerUrl);
    // React resets the form after the action: the secret input is empty again.
    expect(await type.getByTestId("credential-field-apiKey").inputValue()).toBe("");
    await open("/credentials");
    await expectMarkerNowhere();
  });

  it("tests it: the server calls the provider with the stored secret, and the verdict never holds it", async () => {
    const { result, text } = await runTest("Local models");
    expect(result).toBe("ok");
    expect(text).toContain("accepted the key");
    expect(text).not.toContain(MARKER);
    expect(providerCalls).toContain("GET /v1/models");
  });

  it("edits the name with the secret left empty: the stored secret is kept", async () => {
    const target = row("Local models");
    await target.getByTestId("credential-edit").locator("summary").click();
    const form = target.getByTestId("credential-edit-form");
    expect(await form.getByTestId("credential-secret-state-apiKey").textContent()).toContain("stored");
    expect(await form.getByTestId("credential-field-apiKey").inputValue()).toBe("");
    expect(await form.getByTestId("credential-field-baseUrl").inputValue()).toBe(providerUrl);
    await form.getByTestId("credential-name").fill("Local models (renamed)");
    await form.getByTestId("credential-save").click();
    await expect.poll(() => row("Local models (renamed)").count(), { timeout: 60_000 }).toBe(1);
    await open("/credentials");
    await expectMarkerNowhere();
    expect((await runTest("Local models (renamed)")).result).toBe("ok");
  });

  it("edits the secret: the new one is used (the provider refuses it) and neither is shown", async () => {
    const target = row("Local models (renamed)");
    await target.getByTestId("credential-edit").locator("summary").click();
    const form = target.getByTestId("credential-edit-form");
    await form.getByTestId("credential-field-apiKey").fill("sk-wrong-key");
    await form.getByTestId("credential-save").click();
    await expect.poll(() => form.getByTestId("credential-ok").count(), { timeout: 60_000 }).toBe(1);
    await open("/credentials");
    const { result, text } = await runTest("Local models (renamed)");
    expect(result).toBe("failed");
    expect(text).toContain("refused the key (401)");
    expect(await page.content()).not.toContain("sk-wrong-key");
    await expectMarkerNowhere();
  });

  it("a type without a test says so", async () => {
    const type = page.getByTestId("credential-type-httpBearerAuth");
    await type.locator("summary").click();
    await type.getByTestId("credential-name").fill("Bearer");
    await type.getByTestId("credential-field-token").fill(`${MARKER}-bearer`);
    await type.getByTestId("credential-save").click();
    await expect.poll(() => row("Bearer").count(), { timeout: 60_000 }).toBe(1);
    const { result, text } = await runTest("Bearer");
    expect(result).toBe("untested");
    expect(text).toContain("have no test");
  });

  it("deletes both credentials", async () => {
    for (const name of ["Local models (renamed)", "Bearer"]) {
      await row(name).getByTestId("credential-delete").click();
      await expect.poll(() => row(name).count(), { timeout: 60_000 }).toBe(0);
    }
    await open("/credentials");
    expect(await page.getByTestId("credentials-empty").count()).toBe(1);
    await expectMarkerNowhere();
  });
});
