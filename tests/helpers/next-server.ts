import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT, tempDirectory } from "./cli";

export interface NextServer {
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * `next dev` refuses to start while another one runs in the same directory (its .next/dev lockfile), and vitest runs
 * test files in parallel: e2e files take turns through this lock (a directory, held by the test process's pid; a dead
 * holder's lock is taken over).
 */
const DEV_LOCK = path.join(tmpdir(), `hetumind-next-dev-${createHash("sha256").update(REPO_ROOT).digest("hex").slice(0, 12)}.lock`);

function holderAlive(): boolean {
  try {
    const pid = Number(readFileSync(path.join(DEV_LOCK, "pid"), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function acquireDevLock(until: number): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(DEV_LOCK);
      writeFileSync(path.join(DEV_LOCK, "pid"), String(process.pid));
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(DEV_LOCK, { recursive: true, force: true });
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    // Give a just-created lock a moment to get its pid file before judging it stale.
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (!holderAlive()) rmSync(DEV_LOCK, { recursive: true, force: true });
    if (Date.now() > until) throw new Error(`another e2e test file kept ${DEV_LOCK} (next dev) for too long`);
  }
}

/**
 * How long an e2e file waits for the others to finish with next dev: they run one at a time, and on a cold dev server
 * (CI) one file can hold it for 20 minutes or more.
 */
export const E2E_LOCK_WAIT_MS = 4_200_000;
/** The beforeAll timeout of a file that starts next dev: the lock wait plus a start. */
export const E2E_SETUP_TIMEOUT_MS = E2E_LOCK_WAIT_MS + 300_000;

/**
 * Starts `next dev` on a free port with its own data directory and waits until /api/ready answers 200. `options.env` is
 * added to the server's environment (e.g. `HETUMIND_ALLOW_PRIVATE_NETWORK: "true"` for a model fixture on 127.0.0.1).
 */
export async function startNextServer(timeoutMs = 180_000, lockTimeoutMs = E2E_LOCK_WAIT_MS, options: { env?: Record<string, string> } = {}): Promise<NextServer> {
  const releaseLock = await acquireDevLock(Date.now() + lockTimeoutMs);
  const port = await freePort();
  const dataDir = path.join(tempDirectory("hetumind-e2e-"), "data");
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO_ROOT, "node_modules/next/dist/bin/next"), "dev", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: REPO_ROOT,
    env: { ...process.env, HETUMIND_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1", VITEST: "", HETUMIND_LOG_LEVEL: "warn", NODE_ENV: "development", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid!, "SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
    }
    releaseLock();
  };
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      releaseLock();
      throw new Error(`next dev exited early:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/api/ready`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      await stop();
      throw new Error(`next dev did not become ready in ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { url, logs: () => output, stop };
}
