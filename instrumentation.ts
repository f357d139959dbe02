/**
 * Next.js start-up hook. Next serves nothing until register() returns, and everything the server does at start runs on
 * one thread, so this loads nothing heavy (docs/decisions/server-start-up.md):
 * - the embedded database is already starting on its own thread: `npm start` preloads lib/db/preopen.mjs;
 * - the local driver starts with the first request that needs the engine (lib/triggers/runtime.ts,
 *   lib/api/executions/engine.ts, /api/ready), which loads the engine's modules once, for the routes; with no such
 *   request it starts here, a moment after start-up.
 */
const DRIVER_START_DELAY_MS = 2_000;

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.HETUMIND_WORKER === "off") return;
  const { planServerWorker, serverWorkerStarted } = await import("./lib/engine/server-worker-state");
  planServerWorker();
  const startDriver = async () => {
    if (serverWorkerStarted()) return;
    const { startServerWorker } = await import("./lib/engine/server-worker");
    await startServerWorker();
  };
  setTimeout(() => {
    startDriver().catch((error: unknown) => {
      // The next request that needs the worker tries again (and reports its own failure); here the operator gets the why.
      console.error(JSON.stringify({ level: "error", msg: "server worker failed to start", error: error instanceof Error ? error.stack : String(error) }));
    });
  }, DRIVER_START_DELAY_MS);
}
