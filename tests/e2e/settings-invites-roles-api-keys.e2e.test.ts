import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { HAS_CHROMIUM, launchChromium, waitForHydration } from "../helpers/browser";
import { E2E_SETUP_TIMEOUT_MS, startNextServer, type NextServer } from "../helpers/next-server";

const OWNER = { email: "owner@example.com", password: "owner's long password" };
const BOB = { email: "bob@example.com", password: "bob's long password" };
const CAROL = { email: "carol@example.com", password: "carol's long password" };

let server: NextServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** A fresh browser profile (its own cookies): one per person. Confirm dialogs are accepted. */
async function newPerson(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.on("dialog", (dialog) => void dialog.accept());
  return page;
}

/** Opens a page and waits until its scripts have loaded (forms are then handled by React, not posted natively). */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(path.startsWith("http") ? path : `${server.url}${path}`);
  await page.waitForLoadState("networkidle");
  await waitForHydration(page);
}

function memberRow(page: Page, email: string) {
  return page.locator(`[data-testid=member-row][data-email="${email}"]`);
}

function keyRow(page: Page, name: string) {
  return page.locator(`[data-testid=api-key-row][data-key-name="${name}"]`);
}

async function whoami(page: Page): Promise<string> {
  return (await page.getByTestId("whoami").textContent()) ?? "";
}

/** The owner invites `email` with `role` and reads the one-time link the form shows. */
async function invite(page: Page, email: string, role: string): Promise<string> {
  await open(page, "/settings");
  await page.getByTestId("invite-email").fill(email);
  await page.getByTestId("invite-role").selectOption(role);
  await page.getByTestId("invite-create").click();
  await expect.poll(() => page.getByTestId("invite-link").count(), { timeout: 60_000 }).toBe(1);
  const link = await page.getByTestId("invite-link").inputValue();
  expect(link).toMatch(new RegExp(`^${server.url}/sign-up\\?invite=`));
  return link;
}

beforeAll(async () => {
  server = await startNextServer();
  browser = await launchChromium();
}, E2E_SETUP_TIMEOUT_MS); // may build the app first (tests/helpers/next-server.ts)

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

describe.runIf(HAS_CHROMIUM)("workspace settings: invites, roles, API keys, switching (Chromium)", { timeout: 300_000 }, () => {
  let owner: Page;
  let bob: Page;
  let bobLink = "";

  it("the first sign-up owns the workspace and sees every management control", async () => {
    owner = await newPerson();
    await open(owner, "/sign-up");
    await owner.getByTestId("email").fill(OWNER.email);
    await owner.getByTestId("password").fill(OWNER.password);
    await owner.getByTestId("workspace-name").fill("Acme");
    await owner.getByTestId("submit").click();
    await owner.waitForURL(/\/workflows$/);
    await open(owner, "/settings");
    expect(await owner.getByTestId("my-role").textContent()).toContain("owner");
    expect(await memberRow(owner, OWNER.email).getByTestId("member-role").textContent()).toBe("owner");
    expect(await owner.getByTestId("invite-form").count()).toBe(1);
    expect(await owner.getByTestId("member-role-select").count()).toBe(1);
    expect(await owner.getByTestId("invites-empty").count()).toBe(1);
  });

  it("invites a viewer: the one-time link is shown once and the invite is pending", async () => {
    bobLink = await invite(owner, BOB.email, "viewer");
    await expect.poll(() => owner.locator(`[data-testid=invite-row][data-email="${BOB.email}"]`).count(), { timeout: 60_000 }).toBe(1);
    await open(owner, "/settings");
    expect(await owner.getByTestId("invite-link").count()).toBe(0);
    expect(await owner.content()).not.toContain(new URL(bobLink).searchParams.get("invite"));
  });

  it("the invitee opens the link in another browser, signs up with the invited address and joins as viewer", async () => {
    bob = await newPerson();
    await open(bob, bobLink);
    expect(await bob.getByTestId("invite-summary").textContent()).toMatch(/Acme.*viewer/);
    expect(await bob.getByTestId("email").inputValue()).toBe(BOB.email);
    await bob.getByTestId("name").fill("Bob");
    await bob.getByTestId("password").fill(BOB.password);
    await bob.getByTestId("submit").click();
    await bob.waitForURL(/\/workflows$/);
    await expect.poll(() => whoami(bob), { timeout: 60_000 }).toContain(`${BOB.email} · Acme (viewer)`);
  });

  it("the link works once: a third browser is told it is not valid any more", async () => {
    const stranger = await newPerson();
    await stranger.goto(bobLink); // server-rendered: no need to wait for scripts
    await expect.poll(() => stranger.getByTestId("invite-invalid").count(), { timeout: 120_000 }).toBe(1);
    expect(await stranger.getByTestId("sign-up-form").count()).toBe(0);
  });

  it("a viewer sees the members but no management controls, and manages only their own keys", async () => {
    await open(bob, "/settings");
    expect(await bob.getByTestId("my-role").textContent()).toContain("viewer");
    expect(await memberRow(bob, OWNER.email).count()).toBe(1);
    for (const control of ["invite-form", "member-role-select", "member-remove", "invites-table", "invites-empty"]) {
      expect(await bob.getByTestId(control).count(), control).toBe(0);
    }
    expect(await bob.getByTestId("api-key-form").count()).toBe(1);
  });

  it("the owner sees the new member, changes their role to editor, and the member's session follows at once", async () => {
    await open(owner, "/settings");
    expect(await owner.getByTestId("invites-empty").count()).toBe(1);
    const row = memberRow(owner, BOB.email);
    expect(await row.getByTestId("member-role").textContent()).toBe("viewer");
    await row.getByTestId("member-role-select").selectOption("editor");
    await row.getByTestId("member-role-save").click();
    await expect.poll(() => memberRow(owner, BOB.email).getByTestId("member-role").textContent(), { timeout: 60_000 }).toBe("editor");
    await open(bob, "/settings");
    expect(await whoami(bob)).toContain("(editor)");
  });

  it("the last owner cannot demote themselves (409 shown inline)", async () => {
    const row = memberRow(owner, OWNER.email);
    await row.getByTestId("member-role-select").selectOption("viewer");
    await row.getByTestId("member-role-save").click();
    await expect.poll(() => row.getByTestId("settings-error").textContent(), { timeout: 60_000 }).toContain("409 last_owner");
    await open(owner, "/settings");
    expect(await memberRow(owner, OWNER.email).getByTestId("member-role").textContent()).toBe("owner");
  });

  it("creates an API key that is shown once and works, then revokes it", async () => {
    await owner.getByTestId("api-key-name").fill("ci");
    await owner.getByTestId("api-key-create").click();
    await expect.poll(() => owner.getByTestId("api-key-value").count(), { timeout: 60_000 }).toBe(1);
    const key = await owner.getByTestId("api-key-value").inputValue();
    expect(key).toMatch(/^hm_[A-Za-z0-9_-]{40,}$/);
    const listWith = (bearer: string) => fetch(`${server.url}/api/v1/workflows`, { headers: { authorization: `Bearer ${bearer}` } });
    expect((await listWith(key)).status).toBe(200);

    // Shown once: after a reload neither the page nor its payload holds the key, only its prefix.
    await open(owner, "/settings");
    expect(await owner.getByTestId("api-key-value").count()).toBe(0);
    expect(await owner.content()).not.toContain(key);
    expect(await (await owner.request.get(`${server.url}/settings`)).text()).not.toContain(key);
    expect(await keyRow(owner, "ci").getByTestId("api-key-prefix").textContent()).toBe(`${key.slice(0, 9)}…`);

    await keyRow(owner, "ci").getByTestId("api-key-revoke").click();
    await expect.poll(() => keyRow(owner, "ci").getAttribute("data-revoked"), { timeout: 60_000 }).toBe("true");
    expect((await listWith(key)).status).toBe(401);
  });

  it("revokes a pending invite, after which its link is refused", async () => {
    const link = await invite(owner, "dave@example.com", "editor");
    const inviteRow = owner.locator(`[data-testid=invite-row][data-email="dave@example.com"]`);
    await expect.poll(() => inviteRow.count(), { timeout: 60_000 }).toBe(1);
    await inviteRow.getByTestId("invite-revoke").click();
    await expect.poll(() => inviteRow.count(), { timeout: 60_000 }).toBe(0);
    const dave = await newPerson();
    await dave.goto(link);
    await expect.poll(() => dave.getByTestId("invite-invalid").count(), { timeout: 120_000 }).toBe(1);
  });

  it("an existing account signs in from the link, accepts, and switches between its two workspaces", async () => {
    const signedUp = await fetch(`${server.url}/api/auth/sign-up`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: CAROL.email, password: CAROL.password, workspaceName: "Carol's lab" }),
    });
    expect(signedUp.status).toBe(201);
    const link = await invite(owner, CAROL.email, "viewer");

    const carol = await newPerson();
    await open(carol, link);
    await carol.getByTestId("invite-sign-in").click();
    await carol.waitForURL(/\/sign-in\?next=/);
    await waitForHydration(carol);
    await carol.getByTestId("email").fill(CAROL.email);
    await carol.getByTestId("password").fill(CAROL.password);
    await carol.getByTestId("submit").click();
    await carol.waitForURL(/\/sign-up\?invite=/);
    await waitForHydration(carol);
    await carol.getByTestId("accept-invite").click();
    await carol.waitForURL(/\/workflows$/);
    await expect.poll(() => whoami(carol), { timeout: 60_000 }).toContain("Acme (viewer)");

    expect(await carol.getByTestId("workspace-select").locator("option").allTextContents()).toEqual(["Carol's lab (owner)", "Acme (viewer)"]);
    await waitForHydration(carol);
    await carol.getByTestId("workspace-select").selectOption({ label: "Carol's lab (owner)" });
    await expect.poll(() => whoami(carol), { timeout: 60_000 }).toContain("Carol's lab (owner)");
    await open(carol, "/settings");
    expect(await carol.getByTestId("invite-form").count()).toBe(1);

    // A single-workspace user has no switcher.
    expect(await owner.getByTestId("workspace-switcher").count()).toBe(0);
  });

  it("the owner removes a member, who then loses the workspace", async () => {
    await open(owner, "/settings");
    await memberRow(owner, BOB.email).getByTestId("member-remove").click();
    await expect.poll(() => memberRow(owner, BOB.email).count(), { timeout: 60_000 }).toBe(0);
    await open(bob, "/workflows");
    // Bob belongs to no workspace any more: his session no longer opens the app.
    await bob.waitForURL(/\/sign-in$/);
  });
});
