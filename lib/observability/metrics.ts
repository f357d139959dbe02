/**
 * Prometheus metrics (prom-client). One registry per process, kept on globalThis so Next's dev reloads and several
 * bundles share it. Scraped by `/api/metrics` (app/api/metrics/route.ts); see docs/api.md "Metrics".
 *
 * - `hetumind_executions` (gauge, label `status`): executions in the database by status, counted at scrape time.
 * - `hetumind_queue_depth` (gauge): executions waiting for a worker — `queued`, plus `waiting` ones whose timed wait is
 *   due — counted at scrape time.
 * - `hetumind_node_duration_seconds` (histogram, labels `node_type`, `status`): node runs. Fed at scrape time from the
 *   recorded node runs (`node_run_batches`, read incrementally from the last batch seen), so runs made by a worker in
 *   another process are counted too; the first scrape of a process starts at the newest batch (runs before it are not
 *   replayed). `observeNodeDuration` is the direct hook; do not call it for runs that are also recorded in the database.
 * - `hetumind_webhook_latency_seconds` (histogram, labels `method`, `status`): webhook requests, from arrival to the
 *   response. The webhook route calls `observeWebhookLatency` (or wraps its handler with `timeWebhook`).
 * - prom-client's default process metrics, prefixed `hetumind_` (memory, CPU, event-loop lag).
 */
import { sql } from "drizzle-orm";
import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "@/lib/db/client";
import { EXECUTION_STATUSES } from "@/lib/db/schema";

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** At most this many node-run batches are read per scrape; the rest waits for the next one. */
const NODE_RUN_BATCHES_PER_SCRAPE = 2_000;

export interface HetumindMetrics {
  registry: Registry;
  executions: Gauge<"status">;
  queueDepth: Gauge;
  nodeDuration: Histogram<"node_type" | "status">;
  webhookLatency: Histogram<"method" | "status">;
  /** The id of the last node_run_batches row observed (undefined: not initialised yet). */
  nodeRunCursor: number | undefined;
}

const GLOBAL_KEY = Symbol.for("hetumind.metrics");

export function metrics(): HetumindMetrics {
  const holder = globalThis as unknown as Record<symbol, HetumindMetrics | undefined>;
  const existing = holder[GLOBAL_KEY];
  if (existing) return existing;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "hetumind_" });
  const created: HetumindMetrics = {
    registry,
    executions: new Gauge({ name: "hetumind_executions", help: "Executions in the database, by status", labelNames: ["status"], registers: [registry] }),
    queueDepth: new Gauge({ name: "hetumind_queue_depth", help: "Executions waiting for a worker (queued, or a due timed wait)", registers: [registry] }),
    nodeDuration: new Histogram({
      name: "hetumind_node_duration_seconds",
      help: "Duration of node runs",
      labelNames: ["node_type", "status"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    webhookLatency: new Histogram({
      name: "hetumind_webhook_latency_seconds",
      help: "Webhook requests, from arrival to the response",
      labelNames: ["method", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    nodeRunCursor: undefined,
  };
  holder[GLOBAL_KEY] = created;
  return created;
}

/** Records one node run (seconds). Labels are bounded: the node's type (not its name) and its final status. */
export function observeNodeDuration(nodeType: string, status: string, seconds: number): void {
  if (Number.isFinite(seconds) && seconds >= 0) metrics().nodeDuration.observe({ node_type: nodeType, status }, seconds);
}

/** Records one webhook request (seconds). `status` is the HTTP status answered. */
export function observeWebhookLatency(method: string, status: number, seconds: number): void {
  if (Number.isFinite(seconds) && seconds >= 0) metrics().webhookLatency.observe({ method: method.toUpperCase(), status: String(status) }, seconds);
}

/** Wraps a webhook handler: observes its latency and status (500 when it throws). */
export function timeWebhook<Args extends unknown[]>(handler: (request: Request, ...rest: Args) => Promise<Response>) {
  return async (request: Request, ...rest: Args): Promise<Response> => {
    const start = performance.now();
    let status = 500;
    try {
      const response = await handler(request, ...rest);
      status = response.status;
      return response;
    } finally {
      observeWebhookLatency(request.method, status, (performance.now() - start) / 1000);
    }
  };
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}

/** Reads the database into the gauges and the node-duration histogram. Called by the metrics route before rendering. */
export async function collectDatabaseMetrics(db: Database): Promise<void> {
  const m = metrics();
  const counts = rowsOf<{ status: string; count: number | string }>(
    await db.execute(sql`select status, count(*)::int as count from executions group by status`),
  );
  const byStatus = new Map(counts.map((row) => [row.status, Number(row.count)]));
  for (const status of EXECUTION_STATUSES) m.executions.set({ status }, byStatus.get(status) ?? 0);

  const [queue] = rowsOf<{ depth: number | string }>(
    await db.execute(
      sql`select count(*)::int as depth from executions where status = 'queued' or (status = 'waiting' and wait_until is not null and wait_until <= now())`,
    ),
  );
  m.queueDepth.set(Number(queue?.depth ?? 0));

  await collectNodeRuns(db, m);
}

async function collectNodeRuns(db: Database, m: HetumindMetrics): Promise<void> {
  if (m.nodeRunCursor === undefined) {
    const [row] = rowsOf<{ id: number | string | null }>(await db.execute(sql`select max(id) as id from node_run_batches`));
    m.nodeRunCursor = Number(row?.id ?? 0);
    return;
  }
  const cursor = m.nodeRunCursor;
  const rows = rowsOf<{ batch_id: number | string; node_type: string | null; status: string | null; duration_ms: number | string | null }>(
    await db.execute(sql`
      select b.id as batch_id, r->>'nodeType' as node_type, r->>'status' as status, (r->>'durationMs')::float8 as duration_ms
      from (select id, runs from node_run_batches where id > ${cursor} order by id limit ${NODE_RUN_BATCHES_PER_SCRAPE}) b
      cross join lateral json_array_elements(b.runs) r
      order by b.id`),
  );
  let last = cursor;
  for (const row of rows) {
    last = Math.max(last, Number(row.batch_id));
    if (row.node_type && row.status && row.duration_ms !== null) observeNodeDuration(row.node_type, row.status, Number(row.duration_ms) / 1000);
  }
  // Batches with no runs (or none returned) still advance the cursor.
  if (rows.length === 0) {
    const [row] = rowsOf<{ id: number | string | null }>(
      await db.execute(sql`select max(id) as id from (select id from node_run_batches where id > ${cursor} order by id limit ${NODE_RUN_BATCHES_PER_SCRAPE}) b`),
    );
    if (row?.id !== null && row?.id !== undefined) last = Math.max(last, Number(row.id));
  }
  m.nodeRunCursor = last;
}

/** The Prometheus text exposition of the registry (after `collectDatabaseMetrics`). */
export async function renderMetrics(): Promise<string> {
  return metrics().registry.metrics();
}
