/**
 * The app as users get it, for browser and over-the-wire tests: the production build (`next build` into .next-e2e,
 * once per source version, shared by every test file; tests/../bench/next-production.ts) served by `next start` on a
 * free port with the test file's own data directory. Each file gets its own server, so files run in parallel; no dev
 * server means no cold per-page compiles and no hot reloads in the middle of a form.
 */
import path from "node:path";
import { E2E_DIST_DIR, ensureProductionBuild, startProduction, waitForStatus } from "../../bench/next-production";
import { tempDirectory } from "./cli";

export interface NextServer {
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

/** The beforeAll timeout of a file that starts the app: a build of the tree (minutes on a loaded CI machine) plus a start. */
export const E2E_SETUP_TIMEOUT_MS = 1_500_000;

/**
 * Builds if needed, starts `next start` with its own data directory and waits until /api/ready answers 200.
 * `options.env` is added to the server's environment (e.g. `HETUMIND_ALLOW_PRIVATE_NETWORK: "true"` for a model fixture
 * on 127.0.0.1).
 */
export async function startNextServer(options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<NextServer> {
  await ensureProductionBuild(E2E_DIST_DIR);
  const dataDir = path.join(tempDirectory("hetumind-e2e-"), "data");
  const server = await startProduction(dataDir, options.env ?? {}, E2E_DIST_DIR);
  try {
    await waitForStatus(`${server.url}/api/ready`, {}, 200, server.startedAt, options.timeoutMs ?? 120_000);
  } catch (error) {
    await server.stop();
    throw new Error(`next start did not become ready: ${(error as Error).message}\n${server.logs()}`);
  }
  return { url: server.url, logs: server.logs, stop: server.stop };
}
