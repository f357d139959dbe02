/**
 * The README's start command: `npm run dev` (next dev) on a fresh data directory answers readiness with the worker
 * running, and serves the home page. The other browser tests run the production build (tests/helpers/next-server.ts);
 * this one keeps the development server honest. Its own dist dir, so a developer's `npm run dev` in the same tree is
 * not disturbed.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, waitForStatus } from "../../bench/next-production";
import { REPO_ROOT, tempDirectory } from "../helpers/cli";

let url: string;
let output = "";
let stop: () => Promise<void>;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn("npm", ["run", "dev", "--", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: REPO_ROOT,
    env: { ...process.env, HETUMIND_DATA_DIR: path.join(tempDirectory("hetumind-dev-"), "data"), HETUMIND_NEXT_DIST_DIR: ".next-e2e-dev", NEXT_TELEMETRY_DISABLED: "1", VITEST: "", NODE_ENV: "development", HETUMIND_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid!, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
  };
  await waitForStatus(`${url}/api/ready`, {}, 200, started, 600_000).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${output}`);
  });
}, 660_000); // a cold dev server compiles each route on its first request

afterAll(async () => {
  await stop?.();
});

describe("npm run dev", { timeout: 600_000 }, () => {
  it("answers readiness on the embedded database with the worker running", async () => {
    expect(await (await fetch(`${url}/api/ready`)).json()).toMatchObject({ ready: true, database: "pglite", worker: true });
  });

  it("serves the home page", async () => {
    const response = await fetch(url);
    expect(response.status, output.slice(-2000)).toBe(200);
    expect(await response.text()).toContain("Hetumind");
  });
});
