import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { HAS_CHROMIUM, launchChromium } from "../helpers/browser";
import { E2E_SETUP_TIMEOUT_MS, startNextServer, type NextServer } from "../helpers/next-server";

const EMAIL = "ada@example.com";
const PASSWORD = "correct horse battery";

let server: NextServer;
let browser: Browser;
let page: Page;

/** Webhook (POST e2e/orders, answers with the last node's output) -> Edit Fields (adds `tag`) -> No Op. */
function hookWorkflow(name: string) {
  return {
    name,
    nodes: [
      { id: "a", name: "Hook", type: "hetumind.webhook", parameters: { path: "e2e/orders", httpMethod: "POST", responseMode: "lastNode" } },
      { id: "b", name: "Tag", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "tag", value: "seen", type: "string" }] }, include: "none" } },
      { id: "c", name: "Done", type: "hetumind.noOp", parameters: {} },
    ],
    connections: {
      Hook: { main: [[{ node: "Tag", type: "main", index: 0 }]] },
      Tag: { main: [[{ node: "Done", type: "main", index: 0 }]] },
    },
    settings: {},
  };
}

/** Opens a page and waits until its scripts have loaded (forms are then handled by React, not posted natively). */
async function open(path: string): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.waitForLoadState("networkidle");
}

async function importFile(name: string, content: unknown): Promise<void> {
  await page.getByTestId("import-file").setInputFiles({ name: `${name}.json`, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(content)) });
  await page.getByTestId("import-submit").click();
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

describe.runIf(HAS_CHROMIUM)("sign up, import, activate, call the webhook, see the execution (Chromium)", { timeout: 240_000 }, () => {
  it("sends a visitor without a session to /sign-in", async () => {
    await page.goto(`${server.url}/workflows`);
    await page.waitForURL(/\/sign-in$/);
    await page.goto(`${server.url}/executions`);
    await page.waitForURL(/\/sign-in$/);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
  });

  it("signs up and lands on the workflows list, signed in", async () => {
    await open("/sign-up");
    await page.getByTestId("name").fill("Ada");
    await page.getByTestId("email").fill(EMAIL);
    await page.getByTestId("password").fill(PASSWORD);
    await page.getByTestId("submit").click();
    await page.waitForURL(/\/workflows$/);
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.getByTestId("whoami").textContent(), { timeout: 60_000 }).toContain(EMAIL);
    expect(await page.getByTestId("workflows-empty").count()).toBe(1);
  });

  it("shows an invalid file's problems inline (422) and imports a workflow JSON file", async () => {
    await importFile("broken", { name: "Broken", nodes: [{ id: "x", name: "X", type: "hetumind.doesNotExist", parameters: {} }], connections: {} });
    await expect.poll(() => page.getByTestId("import-error").textContent(), { timeout: 60_000 }).toContain("422");
    await importFile("orders", hookWorkflow("Orders hook"));
    await expect.poll(() => row("Orders hook").count(), { timeout: 60_000 }).toBe(1);
    expect(await row("Orders hook").getByTestId("active-toggle").getAttribute("data-active")).toBe("false");
    expect(await row("Orders hook").getByTestId("last-run").textContent()).toContain("never");
  });

  it("activates it, and a second workflow on the same path gets the 409 inline", async () => {
    await row("Orders hook").getByTestId("active-toggle").click();
    await expect.poll(() => row("Orders hook").getByTestId("active-toggle").getAttribute("data-active"), { timeout: 60_000 }).toBe("true");

    await importFile("clash", hookWorkflow("Clashing hook"));
    await expect.poll(() => row("Clashing hook").count(), { timeout: 60_000 }).toBe(1);
    await row("Clashing hook").getByTestId("active-toggle").click();
    await expect.poll(() => row("Clashing hook").getByTestId("activate-error").textContent(), { timeout: 60_000 }).toContain("409");
    expect(await row("Clashing hook").getByTestId("active-toggle").getAttribute("data-active")).toBe("false");
  });

  let executionId = "";
  it("answers the webhook with the last node's output", async () => {
    const response = await fetch(`${server.url}/api/webhooks/e2e/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n: 7 }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ tag: "seen" });
    executionId = response.headers.get("x-hetumind-execution-id") ?? "";
    expect(executionId).not.toBe("");
  });

  it("lists the execution, filters by status, and shows each node's row and output", async () => {
    await open("/workflows");
    await expect.poll(() => row("Orders hook").getByTestId("last-run-status").getAttribute("data-status"), { timeout: 60_000 }).toBe("succeeded");

    await page.getByTestId("nav-executions").click();
    await page.waitForURL(/\/executions$/);
    await expect.poll(() => page.locator(`[data-testid=execution-row][data-execution-id="${executionId}"]`).count(), { timeout: 60_000 }).toBe(1);
    await page.getByTestId("chip-failed").click();
    await page.waitForURL(/status=failed/);
    await expect.poll(() => page.getByTestId("executions-empty").count(), { timeout: 60_000 }).toBe(1);
    await page.getByTestId("chip-succeeded").click();
    await page.waitForURL(/status=succeeded/);
    await page.locator(`[data-testid=execution-row][data-execution-id="${executionId}"]`).getByTestId("execution-link").click();
    await page.waitForURL(new RegExp(`/executions/${executionId}$`));

    expect(await page.getByTestId("execution-status").getAttribute("data-status")).toBe("succeeded");
    const rows = page.getByTestId("node-run-row");
    expect(await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute("data-node")))).toEqual(["Hook", "Tag", "Done"]);
    for (const node of ["Hook", "Tag", "Done"]) {
      const nodeRow = page.locator(`[data-testid=node-run-row][data-node="${node}"]`);
      expect(await nodeRow.getByTestId("node-run-status").getAttribute("data-status")).toBe("succeeded");
      expect(Number(await nodeRow.getByTestId("node-run-ms").textContent())).toBeGreaterThanOrEqual(0);
      expect(await nodeRow.getByTestId("node-run-items-out").textContent()).toBe("1");
      expect(await nodeRow.getByTestId("node-run-error").textContent()).toBe("");
    }
    const hookOutput = await page.locator(`[data-testid=node-output][data-node="Hook"]`).getByTestId("node-output-json").textContent();
    expect(hookOutput).toContain('"n": 7');
    const tagOutput = await page.locator(`[data-testid=node-output][data-node="Tag"]`).getByTestId("node-output-json").textContent();
    expect((JSON.parse(tagOutput ?? "null") as Array<Array<{ json: unknown }>>)[0][0].json).toEqual({ tag: "seen" });
  });

  it("signs out, after which the pages send it to /sign-in again; signing in brings it back", async () => {
    await page.getByTestId("sign-out").click();
    await page.waitForURL(/\/sign-in$/);
    await open("/workflows");
    await page.waitForURL(/\/sign-in$/);

    await page.getByTestId("email").fill(EMAIL);
    await page.getByTestId("password").fill("wrong password");
    await page.getByTestId("submit").click();
    await expect.poll(() => page.getByTestId("auth-error").textContent(), { timeout: 60_000 }).toContain("Invalid email or password");
    // React resets the form after an action: fill both fields again.
    await page.getByTestId("email").fill(EMAIL);
    await page.getByTestId("password").fill(PASSWORD);
    await page.getByTestId("submit").click();
    await page.waitForURL(/\/workflows$/);
    await expect.poll(() => row("Orders hook").count(), { timeout: 60_000 }).toBe(1);
  });
});

describe("the JSON auth endpoints", { timeout: 120_000 }, () => {
  it("sign-up: 409 for a taken email, 422 for a short password, 400 for bad JSON", async () => {
    const post = (body: string) => fetch(`${server.url}/api/auth/sign-up`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect((await post(JSON.stringify({ email: EMAIL, password: "another password" }))).status).toBe(409);
    const short = await post(JSON.stringify({ email: "bob@example.com", password: "short" }));
    expect(short.status).toBe(422);
    expect(await short.json()).toMatchObject({ error: { code: "password_policy" } });
    expect((await post("{not json")).status).toBe(400);
  });

  it("sign-up of a second account signs it in to a workspace of its own", async () => {
    const response = await fetch(`${server.url}/api/auth/sign-up`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "bob@example.com", password: "bob's password" }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { workspaceId: string; role: string; firstUser: boolean };
    expect(body).toMatchObject({ role: "owner", firstUser: false });
    expect(body.workspaceId).not.toBe("default");
    const cookie = response.headers.get("set-cookie")!.split(";")[0];
    const list = await fetch(`${server.url}/workflows`, { headers: { cookie }, redirect: "manual" });
    expect(list.status).toBe(200);
    expect(await list.text()).toContain("No workflows yet");
  });

  it("sign-in: 401 for a wrong password, 200 with the cookie; sign-out clears it (204)", async () => {
    const signIn = (password: string) =>
      fetch(`${server.url}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: EMAIL, password }) });
    expect((await signIn("nope nope")).status).toBe(401);
    const ok = await signIn(PASSWORD);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ user: { email: EMAIL }, workspaceId: "default" });
    const cookie = ok.headers.get("set-cookie")!.split(";")[0];
    expect(cookie).toMatch(/^authjs\.session-token=/);
    expect((await fetch(`${server.url}/workflows`, { headers: { cookie }, redirect: "manual" })).status).toBe(200);
    const signedOut = await fetch(`${server.url}/api/auth/sign-out`, { method: "POST", headers: { cookie } });
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.get("set-cookie")).toContain("Max-Age=0");
    const session = await (await fetch(`${server.url}/api/auth/session`, { headers: { cookie } })).json();
    expect(session).toMatchObject({ userId: expect.any(String), workspaceId: "default" });
  });
});
