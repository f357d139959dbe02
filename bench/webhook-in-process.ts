/**
 * The webhook bench scenario in one process, without Next.js: the same handler (`handleWebhook`) on a persisted PGlite
 * data directory. For profiling the engine's per-request cost (`node --cpu-prof --import tsx bench/webhook-in-process.ts`);
 * the figures that count come from `npm run bench -- webhook` under `next start`.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "@/lib/db/client";
import { createWorkflow } from "@/lib/db/queries/workflows";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { Engine } from "@/lib/engine/engine";
import { activateWorkflow } from "@/lib/triggers/activation";
import { handleWebhook } from "@/lib/triggers/webhooks";
import { nodeRegistry } from "@/nodes";
import { closedLoop } from "./harness";
import { traceQueries } from "./trace-queries";

const requests = Number(process.env.BENCH_REQUESTS ?? 2000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 1);
const dataDir = process.env.BENCH_DATA_DIR ?? path.join(mkdtempSync(path.join(os.tmpdir(), "hetumind-bench-")), "data");
// Query tracing wraps the PGlite instance: in this thread then.
const database = await openDatabase({ dataDir, thread: !process.env.BENCH_TRACE_QUERIES });
const engine = new Engine({ database, registry: nodeRegistry });
const queries = process.env.BENCH_TRACE_QUERIES ? traceQueries(database) : undefined;
const definition = JSON.parse(readFileSync(path.join(import.meta.dirname, "workflows/webhook-anchor.json"), "utf8"));
// A data dir reused from an earlier run (BENCH_DATA_DIR) holds the route already.
await database.db.execute(sql`delete from webhook_routes`);
const row = await createWorkflow(database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "bench", definition });
await activateWorkflow(database.db, DEFAULT_WORKSPACE_ID, row.id);
const runtime = { engine, database };

async function once(): Promise<number> {
  const started = performance.now();
  const response = await handleWebhook(
    new Request("http://127.0.0.1/api/webhooks/bench", { method: "POST", headers: { "content-type": "application/json" }, body: '{"n":7}' }),
    { test: false, runtime },
  );
  const text = await response.text();
  if (response.status !== 200) throw new Error(`status ${response.status}: ${text}`);
  return performance.now() - started;
}

for (let index = 0; index < 200; index++) await once();
console.log(JSON.stringify(await closedLoop(requests, concurrency, () => once())));
await new Promise((resolve) => setTimeout(resolve, 500));
queries?.print(requests);
await database.close();
