import type { DatabaseHandle } from "@/lib/db/client";
import type { Engine } from "@/lib/engine/engine";

/** What trigger dispatch needs: the engine that runs executions, and its database. */
export interface TriggerRuntime {
  engine: Engine;
  database: DatabaseHandle;
}

/** The server's engine (the local driver started by instrumentation.ts) and database. */
export async function serverRuntime(): Promise<TriggerRuntime> {
  const { startServerWorker } = await import("@/lib/engine/server-worker");
  const { getDatabase } = await import("@/lib/db/client");
  const [{ engine }, database] = await Promise.all([startServerWorker(), getDatabase()]);
  return { engine, database };
}
