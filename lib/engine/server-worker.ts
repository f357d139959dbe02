import { getDatabase } from "@/lib/db/client";
import { createLogger } from "@/lib/log";
import { loadSandbox } from "@/lib/sandbox";
import { nodeRegistry } from "@/nodes";
import { LocalDriver } from "./drivers/local";
import { Engine } from "./engine";

interface ServerWorker {
  engine: Engine;
  driver: LocalDriver;
}

const GLOBAL_KEY = Symbol.for("hetumind.server-worker");
type GlobalWithWorker = typeof globalThis & { [GLOBAL_KEY]?: Promise<ServerWorker> };

/**
 * The local driver inside the Next.js server, started once per process from instrumentation.ts (kept on globalThis so that
 * dev reloads do not start a second one). Set HETUMIND_WORKER=off to run the web server without a worker.
 */
export function startServerWorker(): Promise<ServerWorker> {
  const store = globalThis as GlobalWithWorker;
  store[GLOBAL_KEY] ??= (async () => {
    const logger = createLogger({ component: "server-worker" });
    // The sandbox's WASM compiles while the database opens: the first run (a webhook right after start) need not wait.
    const [database] = await Promise.all([getDatabase(), loadSandbox()]);
    const engine = new Engine({ database, registry: nodeRegistry, logger });
    const driver = new LocalDriver(engine, database, { logger });
    await driver.start();
    const stop = () => void driver.stop({ drain: true }).finally(() => database.close());
    process.once("SIGTERM", stop);
    logger.info("worker started", { workerId: engine.workerId, driver: database.driver });
    return { engine, driver };
  })();
  return store[GLOBAL_KEY];
}

export function serverWorkerStarted(): boolean {
  return (globalThis as GlobalWithWorker)[GLOBAL_KEY] !== undefined;
}
