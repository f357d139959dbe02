/**
 * A production Next.js server for benches and browser tests: `next build` into its own dist dir (so that a `next dev`
 * in the same tree is not disturbed), rebuilt only when the sources changed, then `next start` on a free port with its
 * own data directory, with its RSS (the server process and its children) sampled from /proc.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
export const BENCH_DIST_DIR = ".next-bench";
/** The browser tests' build: apart from the benches', so a bench and a test run never rebuild under each other. */
export const E2E_DIST_DIR = ".next-e2e";

function baseEnv(distDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, NEXT_TELEMETRY_DISABLED: "1", HETUMIND_NEXT_DIST_DIR: distDir, HETUMIND_LOG_LEVEL: "warn", VITEST: "", ...extra };
}

/** What a build is made of: the app's source trees and the files that configure the build. */
const BUILD_INPUTS = ["app", "lib", "nodes", "agents", "public", "templates", "instrumentation.ts", "next.config.mjs", "package-lock.json", "tsconfig.json"];

/**
 * A hash of every build input's path and content (content, not mtime: `next dev` rewrites tsconfig.json in place, and a
 * checkout touches files it does not change): a build made from other sources has another key.
 */
function sourceKey(): string {
  const hash = createHash("sha256");
  const visit = (relative: string) => {
    const absolute = path.join(ROOT, relative);
    let stat;
    try {
      stat = statSync(absolute);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(absolute).sort()) visit(path.join(relative, entry));
    } else {
      hash.update(`${relative}\0${stat.size}\0`).update(readFileSync(absolute)).update("\n");
    }
  };
  BUILD_INPUTS.forEach(visit);
  return hash.digest("hex");
}

/** A directory lock held by a live pid (a dead holder's lock is taken over): one build at a time per dist dir. */
async function withLock<T>(lockDir: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    // Give a just-created lock a moment to get its pid file before judging it stale.
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (!lockHolderAlive(lockDir)) rmSync(lockDir, { recursive: true, force: true });
    if (Date.now() > until) throw new Error(`${lockDir} was held for more than ${timeoutMs} ms`);
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockHolderAlive(lockDir: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(lockDir, "pid"), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Builds into `distDir` unless it holds a build of the current sources (its key file matches). Concurrent callers (test
 * files in parallel workers) wait for one build. `BENCH_SKIP_BUILD=1` takes any existing build as it is.
 */
export async function ensureProductionBuild(distDir: string, timeoutMs = 1_200_000): Promise<void> {
  const keyFile = path.join(ROOT, distDir, "hetumind-source-key");
  const built = () => existsSync(path.join(ROOT, distDir, "BUILD_ID"));
  if (process.env.BENCH_SKIP_BUILD === "1" && built()) return;
  const current = () => built() && existsSync(keyFile) && readFileSync(keyFile, "utf8") === sourceKey();
  if (current()) return;
  await withLock(path.join(ROOT, `${distDir}.lock`), timeoutMs, async () => {
    if (current()) return; // another process built it while we waited
    const key = sourceKey();
    const started = Date.now();
    console.log(`next build into ${distDir} ...`);
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [NEXT_BIN, "build"],
        { cwd: ROOT, env: baseEnv(distDir, { NODE_ENV: "production" }), maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs },
        (error, stdout, stderr) => (error ? reject(new Error(`next build into ${distDir} failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve()),
      );
    });
    writeFileSync(keyFile, key);
    console.log(`next build into ${distDir}: ${Math.round((Date.now() - started) / 1000)} s`);
  });
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

/**
 * The Node flags of `npm start` (package.json's start script: `node <flags> node_modules/next/dist/bin/next start`), so
 * the benches and tests run the server the way users do.
 */
export function startScriptNodeFlags(): string[] {
  const script = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start;
  const match = /^node\s+(.*?)\s*node_modules\/next\/dist\/bin\/next start$/.exec(script.trim());
  if (!match) throw new Error(`package.json's start script should be "node <flags> node_modules/next/dist/bin/next start", got "${script}"`);
  return match[1].split(/\s+/).filter(Boolean);
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
export async function startProduction(dataDir: string, extraEnv: Record<string, string> = {}, distDir = BENCH_DIST_DIR): Promise<ProductionServer> {
  const port = await freePort();
  const startedAt = performance.now();
  // BENCH_SERVER_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server (not allowed in NODE_OPTIONS).
  const nodeArgs = [...startScriptNodeFlags(), ...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean)];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, NEXT_BIN, "start", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: ROOT,
    env: baseEnv(distDir, { HETUMIND_DATA_DIR: dataDir, NODE_ENV: "production", ...extraEnv }),
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
  return execFileSync(process.execPath, [path.join(ROOT, "bin/hetumind.mjs"), ...args], { env: { ...process.env, HETUMIND_DATA_DIR: dataDir, HETUMIND_LOG_LEVEL: "warn" }, encoding: "utf8" }).trim();
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
