/**
 * Webhook dispatch: `handleWebhook(request, { test })` answers `/api/webhooks/<path>` (active workflows, through
 * `webhook_routes`) and `/api/webhooks-test/<path>` (workflows the editor listens for, lib/triggers/test-webhooks.ts).
 *
 * Order of checks: unknown path or inactive workflow 404, method 405 (with `Allow`), authentication 401, body over the
 * limit 413 (`HETUMIND_WEBHOOK_MAX_BODY`, default 1 MiB), malformed JSON 400. Then one execution starts at the Webhook
 * node with the item `{ headers, params, query, body }` and the answer follows the node's `responseMode`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { changeGeneration } from "@/lib/db/changes";
import type { Database } from "@/lib/db/client";
import { LookupCache } from "@/lib/db/lookup-cache";
import { getParameterizedWebhookRoutes, getWebhookRoutesByPath } from "@/lib/db/queries/webhook-routes";
import { getWorkflow } from "@/lib/db/queries/workflows";
import type { WorkflowRow } from "@/lib/db/schema";
import { compileWorkflowCached } from "@/lib/engine/compiled-workflow";
import type { Engine, ExecutionOutcome } from "@/lib/engine/engine";
import { HetumindError } from "@/lib/errors";
import { createLogger } from "@/lib/log";
import type { JsonObject, JsonValue } from "@/lib/workflow/items";
import { nodeRegistry } from "@/nodes";
import type { WebhookParameters } from "@/nodes/webhook/definition";
import { WEBHOOK_NODE_TYPE, workflowDocument } from "./activation";
import { type TriggerRuntime, serverRuntime } from "./runtime";
import { activeTestListeners, stopTestListener } from "./test-webhooks";
import { awaitWebhookResponse } from "./webhook-responses";

export interface HandleWebhookOptions {
  /** A test URL (`/api/webhooks-test/...`): served only while the editor listens. */
  test: boolean;
  /** Default: the server's engine and database. */
  runtime?: TriggerRuntime;
  /** Default: `HETUMIND_WEBHOOK_MAX_BODY` (bytes, or with a kb/mb suffix), else 1 MiB. */
  maxBodyBytes?: number;
}

export const DEFAULT_WEBHOOK_MAX_BODY = 1024 * 1024;
const log = createLogger({ component: "webhooks" });

/** `HETUMIND_WEBHOOK_MAX_BODY`: `1048576`, `512kb`, `2mb`. */
export function webhookMaxBodyBytes(value = process.env.HETUMIND_WEBHOOK_MAX_BODY): number {
  const match = value?.trim().toLowerCase().match(/^(\d+)\s*(b|kb|mb)?$/);
  if (!match) return DEFAULT_WEBHOOK_MAX_BODY;
  return Number(match[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[(match[2] ?? "b") as "b" | "kb" | "mb"];
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

function problem(status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json(status, { error: { code, message, ...extra } }, headers);
}

/** The path after `/api/webhooks/` or `/api/webhooks-test/`, decoded per segment, without slashes at the ends. */
export function webhookPathOf(url: string): string | null {
  const match = new URL(url).pathname.match(/^\/api\/webhooks(?:-test)?\/(.+)$/);
  if (!match) return null;
  try {
    const path = match[1]
      .split("/")
      .filter((segment) => segment !== "")
      .map((segment) => decodeURIComponent(segment))
      .join("/");
    return path || null;
  } catch {
    return null;
  }
}

/** Matches a route path with `:name` segments; returns the params, or null. */
export function matchRoutePath(pattern: string, path: string): Record<string, string> | null {
  const expected = pattern.split("/");
  const actual = path.split("/");
  if (expected.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let index = 0; index < expected.length; index += 1) {
    const segment = expected[index];
    if (segment.startsWith(":") && segment.length > 1) params[segment.slice(1)] = actual[index];
    else if (segment !== actual[index]) return null;
  }
  return params;
}

interface Target {
  workflow: WorkflowRow;
  nodeName: string;
  parameters: WebhookParameters;
  params: Record<string, string>;
}

type Lookup = { kind: "found"; target: Target } | { kind: "method"; allowed: string[] } | { kind: "none" };

interface Candidate {
  method: string;
  workspaceId: string;
  workflowId: string;
  nodeName: string;
  params: Record<string, string>;
}

async function resolveCandidate(db: Database, candidate: Candidate, requireActive: boolean): Promise<Target | null> {
  const workflow = await getWorkflow(db, candidate.workspaceId, candidate.workflowId);
  if (!workflow || (requireActive && !workflow.active)) return null;
  const compiled = compileWorkflowCached(workflowDocument(workflow), nodeRegistry);
  const node = compiled.nodes.get(candidate.nodeName);
  if (!node || node.node.type !== WEBHOOK_NODE_TYPE || node.node.disabled || node.staticParameters === undefined) return null;
  return { workflow, nodeName: candidate.nodeName, parameters: node.staticParameters as WebhookParameters, params: candidate.params };
}

function pick(candidates: Candidate[], method: string): { chosen?: Candidate; allowed: string[] } {
  return { chosen: candidates.find((candidate) => candidate.method === method), allowed: [...new Set(candidates.map((candidate) => candidate.method))] };
}

const productionLookups = new LookupCache<Lookup>(() => changeGeneration("workflows"));

/** The active workflow and node that answer `method path`, from the cache when this process has seen it lately. */
function lookupProduction(db: Database, path: string, method: string): Promise<Lookup> {
  return productionLookups.get(db, `${method} ${path}`, () => loadProductionLookup(db, path, method));
}

async function loadProductionLookup(db: Database, path: string, method: string): Promise<Lookup> {
  let candidates: Candidate[] = (await getWebhookRoutesByPath(db, path)).map((route) => ({ ...route, params: {} }));
  if (candidates.length === 0) {
    candidates = (await getParameterizedWebhookRoutes(db)).flatMap((route) => {
      const params = matchRoutePath(route.path, path);
      return params ? [{ ...route, params }] : [];
    });
  }
  if (candidates.length === 0) return { kind: "none" };
  const { chosen, allowed } = pick(candidates, method);
  if (!chosen) return { kind: "method", allowed };
  const target = await resolveCandidate(db, chosen, true);
  return target ? { kind: "found", target } : { kind: "none" };
}

async function lookupTest(db: Database, path: string, method: string): Promise<Lookup> {
  const candidates: Candidate[] = [];
  for (const listener of activeTestListeners()) {
    const workflow = await getWorkflow(db, listener.workspaceId, listener.workflowId);
    if (!workflow) continue;
    const compiled = compileWorkflowCached(workflowDocument(workflow), nodeRegistry);
    for (const name of compiled.triggers) {
      const node = compiled.nodes.get(name)!;
      if (node.node.type !== WEBHOOK_NODE_TYPE || node.staticParameters === undefined) continue;
      const parameters = node.staticParameters as WebhookParameters;
      const params = matchRoutePath(parameters.path, path);
      if (params) candidates.push({ method: parameters.httpMethod, workspaceId: workflow.workspaceId, workflowId: workflow.id, nodeName: name, params });
    }
  }
  if (candidates.length === 0) return { kind: "none" };
  const { chosen, allowed } = pick(candidates, method);
  if (!chosen) return { kind: "method", allowed };
  const target = await resolveCandidate(db, chosen, false);
  return target ? { kind: "found", target } : { kind: "none" };
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Null when the request may pass; otherwise the 401. */
function checkAuth(request: Request, parameters: WebhookParameters): Response | null {
  if (parameters.authentication === "headerAuth" && parameters.headerAuth) {
    const given = request.headers.get(parameters.headerAuth.name);
    if (given !== null && sameSecret(given, parameters.headerAuth.value)) return null;
    return problem(401, "unauthorized", "Authorization data is wrong or missing");
  }
  if (parameters.authentication === "basicAuth" && parameters.basicAuth) {
    const header = request.headers.get("authorization") ?? "";
    const match = header.match(/^Basic\s+(.+)$/i);
    const decoded = match ? Buffer.from(match[1], "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    const ok = colon >= 0 && sameSecret(decoded.slice(0, colon), parameters.basicAuth.user) && sameSecret(decoded.slice(colon + 1), parameters.basicAuth.password);
    if (ok) return null;
    return problem(401, "unauthorized", "Authorization data is wrong or missing", {}, { "www-authenticate": 'Basic realm="Webhook"' });
  }
  return null;
}

class BodyTooLarge extends Error {}

async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function multiMap(entries: Iterable<[string, string]>): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of entries) {
    const existing = result[key];
    if (existing === undefined) result[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[key] = [existing, value];
  }
  return result;
}

class MalformedBody extends Error {}

async function parseBody(bytes: Uint8Array, contentType: string): Promise<JsonValue> {
  const text = Buffer.from(bytes).toString("utf8");
  const type = contentType.split(";")[0].trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) {
    if (text.trim() === "") return {};
    try {
      return JSON.parse(text) as JsonValue;
    } catch (error) {
      throw new MalformedBody(error instanceof Error ? error.message : String(error));
    }
  }
  if (type === "application/x-www-form-urlencoded") return multiMap(new URLSearchParams(text));
  if (type === "multipart/form-data") {
    const form = await new Response(bytes as BodyInit, { headers: { "content-type": contentType } }).formData().catch((error: unknown) => {
      throw new MalformedBody(error instanceof Error ? error.message : String(error));
    });
    const fields: Array<[string, string]> = [];
    for (const [key, value] of form) fields.push([key, typeof value === "string" ? value : `[file ${value.name}, ${value.size} bytes]`]);
    return multiMap(fields);
  }
  if (bytes.byteLength === 0) return {};
  return text;
}

/** The trigger's item. The header that authenticated the request is left out: it is a secret, and executions are stored. */
function requestItem(request: Request, target: Target, body: JsonValue, rawBody: string | undefined): JsonObject {
  const url = new URL(request.url);
  const headers: JsonObject = {};
  const hidden = new Set<string>();
  if (target.parameters.authentication === "basicAuth") hidden.add("authorization");
  if (target.parameters.authentication === "headerAuth" && target.parameters.headerAuth) hidden.add(target.parameters.headerAuth.name.toLowerCase());
  request.headers.forEach((value, name) => {
    if (!hidden.has(name)) headers[name] = value;
  });
  const item: JsonObject = { headers, params: target.params, query: multiMap(url.searchParams), body };
  if (rawBody !== undefined) item.rawBody = rawBody;
  return item;
}

function outcomeError(outcome: Exclude<ExecutionOutcome, { status: "succeeded" | "waiting" }>): Response {
  return problem(500, outcome.error.code, outcome.error.message, { node: outcome.error.node, executionId: outcome.executionId, status: outcome.status });
}

function lastNodeResponse(outcome: ExecutionOutcome, parameters: WebhookParameters): Response {
  if (outcome.status === "succeeded") {
    const items = outcome.output.map((item) => item.json);
    return json(200, parameters.responseData === "allEntries" ? items : (items[0] ?? {}), { "x-hetumind-execution-id": outcome.executionId });
  }
  if (outcome.status === "waiting") return json(202, { executionId: outcome.executionId, status: "waiting" });
  return outcomeError(outcome);
}

function runInBackground(engine: Engine, run: Promise<ExecutionOutcome>, executionId: string): void {
  run.catch((error: unknown) => log.error("webhook execution crashed", { executionId, error: error instanceof Error ? error.message : String(error), worker: engine.workerId }));
}

/** Answers one webhook request (both route.ts files call this). Never throws: an unexpected failure is a 500 JSON. */
export async function handleWebhook(request: Request, options: HandleWebhookOptions): Promise<Response> {
  const method = request.method.toUpperCase();
  const path = webhookPathOf(request.url);
  const prefix = options.test ? "/api/webhooks-test/" : "/api/webhooks/";
  try {
    if (!path) return problem(404, "webhook_not_found", "No webhook path given");
    const { engine, database } = options.runtime ?? (await serverRuntime());
    const lookup = options.test ? await lookupTest(database.db, path, method) : await lookupProduction(database.db, path, method);
    if (lookup.kind === "none") {
      return problem(
        404,
        "webhook_not_found",
        options.test
          ? `No workflow is listening for a test request on ${prefix}${path}: click "Listen for test event" in the editor first`
          : `No active workflow listens on ${prefix}${path}`,
      );
    }
    if (lookup.kind === "method") {
      return problem(405, "method_not_allowed", `${prefix}${path} does not answer ${method}; it answers ${lookup.allowed.join(", ")}`, { allowed: lookup.allowed }, { allow: lookup.allowed.join(", ") });
    }
    const { target } = lookup;
    const denied = checkAuth(request, target.parameters);
    if (denied) return denied;

    let body: JsonValue = {};
    let rawBody: string | undefined;
    if (method !== "GET" && method !== "HEAD") {
      const limit = options.maxBodyBytes ?? webhookMaxBodyBytes();
      let bytes: Uint8Array;
      try {
        bytes = await readBody(request, limit);
      } catch (error) {
        if (error instanceof BodyTooLarge) return problem(413, "payload_too_large", `The request body is larger than ${limit} bytes`, { limit });
        throw error;
      }
      try {
        body = await parseBody(bytes, request.headers.get("content-type") ?? "");
      } catch (error) {
        if (error instanceof MalformedBody) return problem(400, "malformed_body", `The request body could not be parsed: ${error.message}`);
        throw error;
      }
      if (target.parameters.options.rawBody) rawBody = Buffer.from(bytes).toString("utf8");
    }
    if (options.test) stopTestListener(target.workflow.id);

    const execution = await engine.start({
      workflow: workflowDocument(target.workflow),
      workflowId: target.workflow.id,
      workspaceId: target.workflow.workspaceId,
      mode: options.test ? "manual" : "trigger",
      triggerNode: target.nodeName,
      input: requestItem(request, target, body, rawBody),
      // The caller waits for the run's answer: a short side-effect-free run is recorded once, when it ends. With
      // onReceived the execution id is handed out at once, so the row must exist first.
      deferRecord: target.parameters.responseMode !== "onReceived",
    });
    const answer = (response: Response) => (method === "HEAD" ? new Response(null, { status: response.status, headers: response.headers }) : response);

    switch (target.parameters.responseMode) {
      case "onReceived": {
        runInBackground(engine, engine.run(execution), execution.id);
        return answer(json(202, { executionId: execution.id }));
      }
      case "lastNode":
        return answer(lastNodeResponse(await engine.run(execution), target.parameters));
      case "responseNode": {
        const waiter = awaitWebhookResponse(execution.id);
        const run = engine.run(execution);
        const first = await Promise.race([waiter.response.then((response) => ({ kind: "response" as const, response })), run.then((outcome) => ({ kind: "outcome" as const, outcome }))]);
        if (first.kind === "response") {
          runInBackground(engine, run, execution.id);
          const { status, headers, body: text } = first.response;
          // 204, 304 and HEAD carry no body.
          const empty = text === null || status === 204 || status === 304 || method === "HEAD";
          return new Response(empty ? null : text, { status, headers: { "x-hetumind-execution-id": execution.id, ...headers } });
        }
        waiter.cancel();
        const { outcome } = first;
        if (outcome.status === "succeeded") {
          return answer(json(200, { executionId: execution.id, message: "The workflow finished without a Respond to Webhook node answering" }));
        }
        if (outcome.status === "waiting") return answer(json(202, { executionId: execution.id, status: "waiting" }));
        return answer(outcomeError(outcome));
      }
    }
  } catch (error) {
    if (HetumindError.isInstance(error)) {
      log.error("webhook failed", { path, method, code: error.code, error: error.message });
      return problem(error.code === "workflow_invalid" ? 422 : 500, error.code, error.message);
    }
    log.error("webhook failed", { path, method, error: error instanceof Error ? error.message : String(error) });
    return problem(500, "internal_error", "The webhook could not be handled");
  }
}
