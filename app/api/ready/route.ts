import { getDatabase } from "@/lib/db/client";
import { serverWorkerPlanned, serverWorkerRunning, startServerWorker } from "@/lib/engine/server-worker";

export const dynamic = "force-dynamic";

/** Readiness: the database answers with migrations applied, and the worker runs (unless switched off). */
export async function GET() {
  try {
    const database = await getDatabase();
    // A readiness probe is a request that needs the worker: it starts it (once) if nothing has yet.
    if (serverWorkerPlanned()) await startServerWorker();
    const worker = serverWorkerRunning() || process.env.HETUMIND_WORKER === "off";
    return Response.json({ ready: worker, database: database.driver, worker: serverWorkerRunning() }, { status: worker ? 200 : 503 });
  } catch (error) {
    return Response.json({ ready: false, error: error instanceof Error ? error.message : String(error) }, { status: 503 });
  }
}
