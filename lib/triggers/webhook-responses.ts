/**
 * How a Respond to Webhook node reaches the HTTP caller: a per-execution waiter in this process, registered by the
 * webhook dispatcher before the execution runs. A node run with nobody waiting (a replay after a crash, a manual run in
 * the editor, an execution a worker picked up) records nothing and answers no one: the caller of a crashed process is gone.
 */
export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  /** Already serialised; `null` for no body. */
  body: string | null;
}

const GLOBAL_KEY = Symbol.for("hetumind.webhook-response-waiters");
type Store = typeof globalThis & { [GLOBAL_KEY]?: Map<string, (response: WebhookResponse) => void> };

/** One map per process, even when Next.js bundles this module twice (route handlers and the instrumentation worker). */
function waiters(): Map<string, (response: WebhookResponse) => void> {
  const store = globalThis as Store;
  return (store[GLOBAL_KEY] ??= new Map());
}

/** Waits for the execution's first Respond to Webhook node. `cancel()` forgets the waiter (the execution ended). */
export function awaitWebhookResponse(executionId: string): { response: Promise<WebhookResponse>; cancel(): void } {
  let resolve!: (response: WebhookResponse) => void;
  const response = new Promise<WebhookResponse>((done) => (resolve = done));
  waiters().set(executionId, (value) => {
    waiters().delete(executionId);
    resolve(value);
  });
  return { response, cancel: () => waiters().delete(executionId) };
}

/** Hands the response to whoever waits for this execution; false when nobody does (only the first response counts). */
export function deliverWebhookResponse(executionId: string, response: WebhookResponse): boolean {
  const waiter = waiters().get(executionId);
  if (!waiter) return false;
  waiter(response);
  return true;
}
