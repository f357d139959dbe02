import { getDatabase } from "@/lib/db/client";
import { serverWorkerStarted } from "@/lib/engine/server-worker";

export const dynamic = "force-dynamic";

/** Readiness: the database answers with migrations applied, and the worker runs (unless switched off). */
export async function GET() {
  try {
    const database = await getDatabase();
    const worker = serverWorkerStarted() || process.env.HETUMIND_WORKER === "off";
    return Response.json({ ready: worker, database: database.driver, worker: serverWorkerStarted() }, { status: worker ? 200 : 503 });
  } catch (error) {
    return Response.json({ ready: false, error: error instanceof Error ? error.message : String(error) }, { status: 503 });
  }
}
