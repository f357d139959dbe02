/**
 * The workflows page in Chromium: an n8n export imported from a file shows its import report (nodes kept disabled,
 * credentials to fill) and the workflow is listed; the Templates section lists the shipped templates and imports one
 * with one click, saying which credential is left to fill.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { HAS_CHROMIUM, launchChromium, waitForHydration } from "../helpers/browser";
import { E2E_SETUP_TIMEOUT_MS, startNextServer, type NextServer } from "../helpers/next-server";

const FIXTURE = path.resolve(__dirname, "../fixtures/n8n/core-nodes.json");

let server: NextServer;
let browser: Browser;
let page: Page;

async function open(pathname: string): Promise<void> {
  await page.goto(`${server.url}${pathname}`);
  await page.waitForLoadState("networkidle");
  await waitForHydration(page);
}

function row(name: string) {
  return page.getByTestId("workflow-row").filter({ has: page.getByTestId("workflow-name").getByText(name, { exact: true }) });
}

beforeAll(async () => {
  server = await startNextServer();
  browser = await launchChromium();
  const context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(60_000);
}, E2E_SETUP_TIMEOUT_MS); // may build the app first (tests/helpers/next-server.ts)

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(HAS_CHROMIUM)("the workflows page imports n8n exports and templates (Chromium)", { timeout: 240_000 }, () => {
  it("signs up", async () => {
    // Should a dev reload still get in the way, try again until the form went through.
    for (let attempt = 1; ; attempt++) {
      await open("/sign-up");
      await page.getByTestId("name").fill("Grace");
      await page.getByTestId("email").fill("grace@example.com");
      await page.getByTestId("password").fill("correct horse battery");
      await page.getByTestId("submit").click();
      try {
        await page.waitForURL(/\/workflows$/, { timeout: 60_000 });
        break;
      } catch (error) {
        if (attempt >= 4) {
          console.error(server.logs().slice(-4000));
          throw error;
        }
        // Signed up but the redirect was lost: a second sign-up of the address is refused; sign in instead.
        await open("/workflows");
        if (new URL(page.url()).pathname === "/workflows") break;
      }
    }
    await page.waitForLoadState("networkidle");
  });

  it("imports an n8n export and shows the report", async () => {
    for (let attempt = 1; ; attempt++) {
      await page.getByTestId("import-file").setInputFiles({ name: "core-nodes.json", mimeType: "application/json", buffer: readFileSync(FIXTURE) });
      await page.getByTestId("import-submit").click();
      try {
        await expect.poll(() => page.getByTestId("import-ok").textContent(), { timeout: 60_000 }).toContain('Imported "Orders by region (every core node)"');
        break;
      } catch (error) {
        // A dev reload lost the answer: only try again while nothing was imported.
        await open("/workflows");
        if (attempt >= 3 || (await row("Orders by region (every core node)").count()) > 0) throw error;
      }
    }
    const report = (await page.getByTestId("import-report").textContent()) ?? "";
    expect(report).toContain("Imported from n8n: 23 node(s) mapped, 2 kept disabled.");
    expect(report).toContain('disabled  "Notify Slack" (n8n-nodes-base.slack v2.3): no equivalent node type in Hetumind');
    expect(report).toContain('credential to fill  "Report unknown region" httpHeaderAuth "Ops API key"');
    await expect.poll(() => row("Orders by region (every core node)").count(), { timeout: 60_000 }).toBe(1);
  });

  it("lists the templates and imports one with one click, leaving its model credential to fill", async () => {
    const templates = page.getByTestId("template");
    expect(await templates.count()).toBe(3);
    expect(await page.getByTestId("template-name").allTextContents()).toEqual([
      "Support agent with memory and an HTTP tool",
      "Agent with an MCP server's tools",
      "Webhook ticket classifier with structured output",
    ]);
    const classifier = page.locator('[data-template-id="webhook-classifier"]');
    // No credential of that type yet: the only choice is to fill it in later.
    expect(await classifier.getByTestId("template-credential-openAiCompatibleApi").inputValue()).toBe("");
    await classifier.getByTestId("template-import").click();
    await expect.poll(() => classifier.getByTestId("template-import-ok").textContent(), { timeout: 60_000 }).toContain('Imported "Webhook ticket classifier with structured output"');
    expect(await classifier.getByTestId("template-import-ok").textContent()).toContain("credential to fill: openAiCompatibleApi (Chat Model)");
    await expect.poll(() => row("Webhook ticket classifier with structured output").count(), { timeout: 60_000 }).toBe(1);
  });
});
