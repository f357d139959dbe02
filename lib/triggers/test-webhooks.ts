/**
 * Test URLs (`/api/webhooks-test/<path>`): while the editor listens, the workflow's saved definition answers on its
 * Webhook nodes' paths whether it is active or not. One request is served per `listenForTestWebhook` call (n8n's
 * behaviour), or none once the time to live has passed. In-process: the request must reach the process that listens.
 */
export interface TestListener {
  workspaceId: string;
  workflowId: string;
  expiresAt: number;
}

const GLOBAL_KEY = Symbol.for("hetumind.test-webhook-listeners");
type Store = typeof globalThis & { [GLOBAL_KEY]?: Map<string, TestListener> };

function listeners(): Map<string, TestListener> {
  return ((globalThis as Store)[GLOBAL_KEY] ??= new Map());
}

export const DEFAULT_TEST_WEBHOOK_TTL_MS = 120_000;

/** Listens for one test request to the workflow's webhooks; returns a function that stops listening. */
export function listenForTestWebhook(workspaceId: string, workflowId: string, ttlMs = DEFAULT_TEST_WEBHOOK_TTL_MS): () => void {
  const listener = { workspaceId, workflowId, expiresAt: Date.now() + ttlMs };
  listeners().set(workflowId, listener);
  return () => {
    if (listeners().get(workflowId) === listener) listeners().delete(workflowId);
  };
}

/** Workflows listening now (expired ones are forgotten). */
export function activeTestListeners(now = Date.now()): TestListener[] {
  const live: TestListener[] = [];
  for (const [workflowId, listener] of listeners()) {
    if (listener.expiresAt <= now) listeners().delete(workflowId);
    else live.push(listener);
  }
  return live;
}

/** Ends the listening after a test request was served. */
export function stopTestListener(workflowId: string): void {
  listeners().delete(workflowId);
}
