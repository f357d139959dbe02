/**
 * A production Next.js server for benches: `next build` once into its own dist dir (.next-bench, so that a `next dev`
 * of the e2e tests is not disturbed), then `next start` on a free port with its own data directory, with its RSS (the
 * server process and its children) sampled from /proc.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const ROOT = process.cwd();
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
export const BENCH_DIST_DIR = ".next-bench";

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, NEXT_TELEMETRY_DISABLED: "1", HETUMIND_NEXT_DIST_DIR: BENCH_DIST_DIR, HETUMIND_LOG_LEVEL: "warn", ...extra };
}

/** Builds unless `BENCH_SKIP_BUILD=1` and a build exists. */
export function buildProduction(): void {
  if (process.env.BENCH_SKIP_BUILD === "1" && existsSync(path.join(ROOT, BENCH_DIST_DIR, "BUILD_ID"))) return;
  console.log("next build ...");
  execFileSync(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, env: baseEnv({ NODE_ENV: "production" }), stdio: ["ignore", "ignore", "inherit"] });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** RSS in MB of a process and all its descendants (children from /proc/PID/task/TID/children: cheap enough to sample often). */
export function treeRssMb(pid: number): number {
  let kb = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop()!;
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${current}/status`, "utf8"))?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${current}/task`)) {
        const children = readFileSync(`/proc/${current}/task/${task}/children`, "utf8").trim();
        if (children) stack.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return Math.round(kb / 1024);
}

export interface ProductionServer {
  url: string;
  pid: number;
  /** Milliseconds from spawn until `ready` answered. */
  startedAt: number;
  logs(): string;
  stop(): Promise<void>;
}

/** `next start`; resolves as soon as the process is spawned (poll what you need to know it is ready). */
export async function startProduction(dataDir: string, extraEnv: Record<string, string> = {}): Promise<ProductionServer> {
  const port = await freePort();
  const startedAt = performance.now();
  // BENCH_SERVER_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server (not allowed in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, NEXT_BIN, "start", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: ROOT,
    env: baseEnv({ HETUMIND_DATA_DIR: dataDir, NODE_ENV: "production", ...extraEnv }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    startedAt,
    logs: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

/** Polls `url` until it answers `status` (or times out); returns the milliseconds since `since`. */
export async function waitForStatus(url: string, init: RequestInit, status: number, since: number, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, init);
      await response.arrayBuffer();
      if (response.status === status) return performance.now() - since;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs the admin CLI on a data directory (the server must not hold it); returns its stdout, trimmed. */
export function adminCli(dataDir: string, args: string[]): string {
  return execFileSync(process.execPath, ["bin/hetumind.mjs", ...args], { env: { ...process.env, HETUMIND_DATA_DIR: dataDir, HETUMIND_LOG_LEVEL: "warn" }, encoding: "utf8" }).trim();
}

/** One JSON call to the server's API with an API key; throws with the status and body when it is not 2xx. */
export async function apiCall(server: ProductionServer, key: string, method: string, route: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}
