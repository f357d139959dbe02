import { type DatabaseHandle, getDatabase } from "@/lib/db/client";
import { createLogger } from "@/lib/log";
import { loadSandbox } from "@/lib/sandbox";
import { nodeRegistry } from "@/nodes";
import { LocalDriver } from "./drivers/local";
import { Engine } from "./engine";
import { startOnce } from "./server-worker-state";

export { serverWorkerPlanned, serverWorkerRunning, serverWorkerStarted } from "./server-worker-state";

interface ServerWorker {
  engine: Engine;
  driver: LocalDriver;
}

/** The server's first poll waits this long (LocalDriverOptions.firstPollDelayMs): a start-up request goes first. */
const SERVER_FIRST_POLL_DELAY_MS = 500;

function begin() {
  return startOnce(() => {
    const logger = createLogger({ component: "server-worker" });
    // The sandbox's WASM compiles while the database opens (an execution needs both).
    const engine = Promise.all([getDatabase(), loadSandbox()]).then(([database]) => ({ engine: new Engine({ database, registry: nodeRegistry, logger }), database }));
    const worker = engine.then(async ({ engine, database }): Promise<ServerWorker> => {
      const driver = new LocalDriver(engine, database, { logger, firstPollDelayMs: SERVER_FIRST_POLL_DELAY_MS });
      await driver.start();
      const stop = () => void driver.stop({ drain: true }).finally(() => database.close());
      process.once("SIGTERM", stop);
      logger.info("worker started", { workerId: engine.workerId, driver: database.driver });
      return { engine, driver };
    });
    return { engine, worker };
  });
}

/**
 * The local driver inside the Next.js server, started once per process (server-worker-state.ts): by the first request
 * that needs the engine, by /api/ready, or by instrumentation.ts shortly after start-up. Resolves when the driver runs.
 * Set HETUMIND_WORKER=off to run the web server without a worker.
 */
export function startServerWorker(): Promise<ServerWorker> {
  return begin().worker;
}

/**
 * The server worker's engine and database, as soon as they exist (the driver's own start — resuming orphans, its first
 * poll — goes on meanwhile): what a request that runs an execution waits for. Starts the worker if nothing has.
 */
export function serverEngine(): Promise<{ engine: Engine; database: DatabaseHandle }> {
  return begin().engine;
}
