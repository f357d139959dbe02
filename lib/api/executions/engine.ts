/**
 * The engine the API runs and queues executions with: the server worker's (lib/engine/server-worker.ts) when this
 * process runs one (instrumentation.ts plans it), else an engine of this process that only runs what a request asks
 * for (`HETUMIND_WORKER=off`: queued executions then wait for a worker elsewhere).
 */
import { getDatabase } from "@/lib/db/client";
import { Engine, type ExecutionOutcome } from "@/lib/engine/engine";
import { serverEngine, serverWorkerPlanned, serverWorkerStarted } from "@/lib/engine/server-worker";
import { createLogger } from "@/lib/log";
import { nodeRegistry } from "@/nodes";

const LOCAL_KEY = Symbol.for("hetumind.api-engine");
type GlobalWithEngine = typeof globalThis & { [LOCAL_KEY]?: Promise<Engine> };

export async function apiEngine(): Promise<Engine> {
  if (serverWorkerPlanned() || serverWorkerStarted()) return (await serverEngine()).engine;
  const store = globalThis as GlobalWithEngine;
  store[LOCAL_KEY] ??= getDatabase().then((database) => new Engine({ database, registry: nodeRegistry, logger: createLogger({ component: "api-engine" }) }));
  return store[LOCAL_KEY];
}

/** An outcome as the API answers it. */
export function outcomeBody(outcome: ExecutionOutcome): Record<string, unknown> {
  switch (outcome.status) {
    case "succeeded":
      return { executionId: outcome.executionId, status: outcome.status, output: outcome.output };
    case "waiting":
      return { executionId: outcome.executionId, status: outcome.status, pause: outcome.pause, ...(outcome.approvalId ? { approvalId: outcome.approvalId } : {}) };
    default:
      return { executionId: outcome.executionId, status: outcome.status, error: outcome.error };
  }
}
