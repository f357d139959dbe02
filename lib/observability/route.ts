/**
 * `GET /api/metrics`: Prometheus text. Public unless `HETUMIND_METRICS_TOKEN` is set; then it needs
 * `Authorization: Bearer <token>` (401 otherwise). The token is compared in constant time. When the database cannot be
 * read the answer is 503 with the process metrics (the database gauges keep their last values).
 */
import { timingSafeEqual, createHash } from "node:crypto";
import { type Database, getDatabase } from "@/lib/db/client";
import { createLogger, type Logger } from "@/lib/log";
import { collectDatabaseMetrics, METRICS_CONTENT_TYPE, renderMetrics } from "./metrics";

export interface MetricsRouteOptions {
  database?: () => Promise<Database>;
  /** Default `process.env.HETUMIND_METRICS_TOKEN` (read on every request). */
  token?: () => string | undefined;
  logger?: Logger;
}

function sameSecret(a: string, b: string): boolean {
  const left = createHash("sha256").update(a).digest();
  const right = createHash("sha256").update(b).digest();
  return timingSafeEqual(left, right);
}

export function metricsRoute(options: MetricsRouteOptions = {}) {
  const logger = options.logger ?? createLogger({ component: "metrics" });
  return async (request: Request): Promise<Response> => {
    const token = (options.token ?? (() => process.env.HETUMIND_METRICS_TOKEN))();
    if (token) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
      if (!match || !sameSecret(match[1], token)) {
        return Response.json(
          { error: { code: "unauthenticated", message: "Send Authorization: Bearer <HETUMIND_METRICS_TOKEN>" } },
          { status: 401, headers: { "www-authenticate": 'Bearer realm="hetumind-metrics"', "cache-control": "no-store" } },
        );
      }
    }
    let status = 200;
    try {
      const db = options.database ? await options.database() : (await getDatabase()).db;
      await collectDatabaseMetrics(db);
    } catch (error) {
      // The process metrics are still worth serving; the database gauges keep their last values. 503 tells the scraper.
      status = 503;
      logger.error("metrics: reading the database failed", { errorMessage: error instanceof Error ? error.message : String(error) });
    }
    return new Response(await renderMetrics(), { status, headers: { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" } });
  };
}
