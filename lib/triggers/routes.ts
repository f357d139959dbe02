import { timeWebhook } from "@/lib/observability/metrics";
import { handleWebhook } from "./webhooks";

type Handler = (request: Request) => Promise<Response>;

/**
 * The route handlers of `/api/webhooks/[...path]` (production) and `/api/webhooks-test/[...path]` (test); each call's
 * latency and status go to the `webhook latency` histogram of /api/metrics.
 */
export function webhookRouteHandlers(test: boolean): Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD", Handler> {
  const handler: Handler = timeWebhook((request: Request) => handleWebhook(request, { test }));
  return { GET: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler, HEAD: handler };
}
