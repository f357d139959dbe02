import type { DatabaseHandle } from "@/lib/db/client";
import type { Engine } from "@/lib/engine/engine";
import { lazyModule } from "@/lib/lazy-module";

/** What trigger dispatch needs: the engine that runs executions, and its database. */
export interface TriggerRuntime {
  engine: Engine;
  database: DatabaseHandle;
}

const serverWorkerModule = lazyModule(() => import("@/lib/engine/server-worker"));

/** The server worker's engine and database (lib/engine/server-worker.ts; the worker starts if it has not). */
export async function serverRuntime(): Promise<TriggerRuntime> {
  const { serverEngine } = await serverWorkerModule();
  return serverEngine();
}
