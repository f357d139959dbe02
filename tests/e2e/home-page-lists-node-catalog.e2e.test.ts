import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { nodeDefinitions } from "@/nodes";
import { HAS_CHROMIUM, launchChromium } from "../helpers/browser";
import { E2E_SETUP_TIMEOUT_MS, startNextServer, type NextServer } from "../helpers/next-server";

let server: NextServer;
let browser: Browser;

beforeAll(async () => {
  server = await startNextServer();
  browser = await launchChromium();
}, E2E_SETUP_TIMEOUT_MS); // may build the app first (tests/helpers/next-server.ts)

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(HAS_CHROMIUM)("the app on the embedded database", () => {
  it("answers health and readiness with the worker running", async () => {
    expect(await (await fetch(`${server.url}/api/health`)).json()).toMatchObject({ status: "ok" });
    expect(await (await fetch(`${server.url}/api/ready`)).json()).toMatchObject({ ready: true, database: "pglite", worker: true });
  });

  it("shows every node of the catalog in a real browser", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/nodes`);
    await expect.poll(() => page.getByTestId("node-card").count(), { timeout: 60_000 }).toBe(nodeDefinitions.length);
    const text = await page.textContent("main");
    for (const definition of nodeDefinitions) expect(text).toContain(definition.displayName);
    await page.close();
  });

  it("serves the catalog with each node's parameter schema", async () => {
    const body = (await (await fetch(`${server.url}/api/nodes`)).json()) as { nodes: Array<{ type: string; parametersSchema: { type?: string } }> };
    expect(body.nodes.map((node) => node.type).sort()).toEqual(nodeDefinitions.map((definition) => definition.type).sort());
    expect(body.nodes.every((node) => node.parametersSchema.type === "object")).toBe(true);
  });
});
