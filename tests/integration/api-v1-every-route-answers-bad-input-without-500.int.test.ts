/**
 * Every /api/v1 route, found on the file system (app/api/v1/**\/route.ts and the methods each module exports), gets a
 * table of bad inputs through its exported handler with real Requests (the process-wide database slot holds a test
 * database, as in api-workflows-and-executions.int.test.ts), and must answer each with the exact status and the error
 * body `{ error: { code, message, problems? } }` — never a 500:
 *
 * - no auth, a bad API key, a garbage session cookie: 401 `unauthenticated`;
 * - a role below the route's: 403 `forbidden` (a viewer changing anything, an editor managing members or invites);
 * - another workspace's id: 404 with the same body as an unknown id (never 403, never its data), and its rows unchanged;
 * - unknown ids of every shape (uuid, not a uuid, 300 characters, NUL and control characters, path tricks): 404;
 * - malformed JSON: 400 `invalid_json` with the parser's message; wrong-typed JSON (array, string, number, null, deep
 *   nesting) and route-specific violations: 422 with every path and message; a non-JSON Content-Type: 415; a body over
 *   the limit (streamed or declared): 413; a stale `versionId`: 409; bad query strings: 422 (a foreign cursor 400).
 *
 * A route file or method missing from ROUTES fails the first test, so a new route cannot escape the table. Wrong
 * methods: Next answers 405 to a method a route module does not export (it never reaches our code), so here the table
 * pins which methods each module exports, and the walk-through test against a running server
 * (walkthrough-api-key-import-activate-webhook-execution.int.test.ts) checks the 405 itself on every route.
 */
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createSessionToken } from "@/lib/auth/session";
import { signUp } from "@/lib/auth/sign-up";
import { createApiKey } from "@/lib/db/queries/api-keys";
import { createCredential } from "@/lib/db/queries/credentials";
import { createExecution, updateExecutionStatus } from "@/lib/db/queries/executions";
import { createInvite } from "@/lib/db/queries/invites";
import { addMembership } from "@/lib/db/queries/memberships";
import { createUser } from "@/lib/db/queries/users";
import { createWorkflow } from "@/lib/db/queries/workflows";
import { insertWorkflowVersion } from "@/lib/db/queries/workflow-versions";
import { LocalDriver } from "@/lib/engine/drivers/local";
import { Engine } from "@/lib/engine/engine";
import { nodeRegistry } from "@/nodes";
import { REPO_ROOT } from "../helpers/cli";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Role = "viewer" | "editor" | "owner";
type IdKind = "workflow" | "version" | "execution" | "credential" | "apiKey" | "invite" | "member";

interface Fixture {
  workspaceId: string;
  workflow: string;
  workflowDocument: Record<string, unknown>;
  version: string;
  execution: string;
  credential: string;
  apiKey: string;
  invite: string;
  member: string;
}

interface RouteCase {
  /** The least role; "public" needs none; "session" is any signed-in user through the session cookie (not a key). */
  auth: "public" | Role | "session";
  body: "none" | "optional" | "required";
  params?: Record<string, IdKind>;
  /** A body the route accepts (role and isolation checks must fail for another reason than the body). */
  valid?: (own: Fixture) => unknown;
  /** Route-specific violations: 422 with exactly these problem paths. */
  invalid?: Array<{ body: unknown; paths: string[] }>;
  /** Bad query strings and their answer. */
  badQueries?: Array<{ query: string; status: 400 | 422; paths?: string[] }>;
  /** The body limit the route applies (default HETUMIND_API_MAX_BODY_BYTES, 1 MiB). */
  maxBytes?: number;
}

const SMALL = 16 * 1024;
const workflowInvalid = [{ body: { name: 42, nodes: "none", connections: [] }, paths: ["name", "nodes", "connections"] }];
const pageQueries = [
  { query: "limit=abc", status: 422 as const, paths: ["limit"] },
  { query: "limit=0", status: 422 as const, paths: ["limit"] },
  { query: "limit=101", status: 422 as const, paths: ["limit"] },
  { query: "cursor=not-a-cursor", status: 400 as const },
  { query: `cursor=${"x".repeat(1001)}`, status: 422 as const, paths: ["cursor"] },
];

/** Every route and method under /api/v1. Keys: `METHOD /api/v1/...` with the file system's `[param]` segments. */
const ROUTES: Record<string, RouteCase> = {
  "GET /api/v1/openapi.json": { auth: "public", body: "none" },
  "GET /api/v1/chat-sessions": {
    auth: "viewer",
    body: "none",
    badQueries: [
      { query: "", status: 422, paths: ["sessionId"] },
      { query: "sessionId=", status: 422, paths: ["sessionId"] },
      { query: `sessionId=${"s".repeat(513)}`, status: 422, paths: ["sessionId"] },
      { query: "sessionId=a%00b", status: 422, paths: ["sessionId"] },
    ],
  },
  "DELETE /api/v1/chat-sessions": { auth: "editor", body: "none", badQueries: [{ query: "sessionId=", status: 422, paths: ["sessionId"] }] },
  "GET /api/v1/credential-types": { auth: "viewer", body: "none" },
  "GET /api/v1/credentials": {
    auth: "viewer",
    body: "none",
    badQueries: [
      { query: "type=", status: 422, paths: ["type"] },
      { query: "colour=blue", status: 422, paths: [""] },
      { query: "type=a%00b", status: 422, paths: ["type"] },
    ],
  },
  "POST /api/v1/credentials": {
    auth: "editor",
    body: "required",
    maxBytes: 64 * 1024,
    valid: () => ({ name: "new", type: "httpBearerAuth", data: { token: "t" } }),
    invalid: [
      { body: { name: 42, type: [], data: "x" }, paths: ["name", "type", "data"] },
      { body: { name: "x", type: "noSuchType", data: {} }, paths: ["type"] },
    ],
  },
  "GET /api/v1/credentials/[id]": { auth: "viewer", body: "none", params: { id: "credential" } },
  "PATCH /api/v1/credentials/[id]": {
    auth: "editor",
    body: "required",
    maxBytes: 64 * 1024,
    params: { id: "credential" },
    valid: () => ({ name: "renamed" }),
    invalid: [{ body: { name: 42, data: { token: 7 }, type: "x" }, paths: ["", "data.token", "name"] }],
  },
  "DELETE /api/v1/credentials/[id]": { auth: "editor", body: "none", params: { id: "credential" } },
  "POST /api/v1/credentials/[id]/test": { auth: "editor", body: "none", params: { id: "credential" } },
  "GET /api/v1/executions": {
    auth: "viewer",
    body: "none",
    badQueries: [
      ...pageQueries,
      { query: "status=bogus", status: 422, paths: ["status"] },
      { query: "from=yesterday", status: 422, paths: ["from"] },
      { query: "to=2026-13-45T99:00:00Z", status: 422, paths: ["to"] },
      { query: `workflowId=${"w".repeat(201)}`, status: 422, paths: ["workflowId"] },
      { query: "workflowId=%00", status: 422, paths: ["workflowId"] },
    ],
  },
  "GET /api/v1/executions/[id]": { auth: "viewer", body: "none", params: { id: "execution" } },
  "DELETE /api/v1/executions/[id]": { auth: "editor", body: "none", params: { id: "execution" } },
  "POST /api/v1/executions/[id]/cancel": { auth: "editor", body: "none", params: { id: "execution" } },
  "POST /api/v1/executions/[id]/retry": {
    auth: "editor",
    body: "optional",
    params: { id: "execution" },
    valid: () => ({ from: "start" }),
    invalid: [{ body: { from: 42 }, paths: ["from"] }],
    badQueries: [{ query: "wait=maybe", status: 422, paths: ["wait"] }],
  },
  "GET /api/v1/workflows": {
    auth: "viewer",
    body: "none",
    badQueries: [...pageQueries, { query: "active=maybe", status: 422, paths: ["active"] }, { query: `search=${"s".repeat(201)}`, status: 422, paths: ["search"] }, { query: "search=a%00b", status: 422, paths: ["search"] }],
  },
  "POST /api/v1/workflows": { auth: "editor", body: "required", valid: (own) => ({ ...own.workflowDocument, name: "created" }), invalid: workflowInvalid },
  "GET /api/v1/templates": { auth: "viewer", body: "none" },
  "POST /api/v1/templates/import": {
    auth: "editor",
    body: "required",
    valid: () => ({ templateId: "webhook-classifier" }),
    invalid: [{ body: { templateId: 42, credentials: { openAiCompatibleApi: 7 }, extra: true }, paths: ["templateId", "credentials.openAiCompatibleApi", ""] }],
  },
  "POST /api/v1/workflows/import": { auth: "editor", body: "required", valid: (own) => ({ ...own.workflowDocument, name: "imported" }), invalid: workflowInvalid },
  "GET /api/v1/workflows/[id]": { auth: "viewer", body: "none", params: { id: "workflow" } },
  "PUT /api/v1/workflows/[id]": {
    auth: "editor",
    body: "required",
    params: { id: "workflow" },
    valid: (own) => ({ ...own.workflowDocument, name: "updated", versionId: own.version }),
    invalid: [{ body: { name: 42, nodes: "none", connections: [], versionId: 7 }, paths: ["name", "nodes", "connections", "versionId"] }],
  },
  "DELETE /api/v1/workflows/[id]": { auth: "editor", body: "none", params: { id: "workflow" } },
  "POST /api/v1/workflows/[id]/activate": { auth: "editor", body: "none", params: { id: "workflow" } },
  "POST /api/v1/workflows/[id]/deactivate": { auth: "editor", body: "none", params: { id: "workflow" } },
  "GET /api/v1/workflows/[id]/export": { auth: "viewer", body: "none", params: { id: "workflow" } },
  "POST /api/v1/workflows/[id]/run": {
    auth: "editor",
    body: "optional",
    params: { id: "workflow" },
    valid: () => ({ input: { n: 1 } }),
    badQueries: [{ query: "wait=maybe", status: 422, paths: ["wait"] }],
  },
  "GET /api/v1/workflows/[id]/versions": { auth: "viewer", body: "none", params: { id: "workflow" }, badQueries: pageQueries },
  "GET /api/v1/workflows/[id]/versions/[versionId]": { auth: "viewer", body: "none", params: { id: "workflow", versionId: "version" } },
  "POST /api/v1/workflows/[id]/versions/[versionId]/restore": { auth: "editor", body: "none", params: { id: "workflow", versionId: "version" } },
  "GET /api/v1/workspace": { auth: "viewer", body: "none" },
  "GET /api/v1/workspace/members": { auth: "viewer", body: "none" },
  "PATCH /api/v1/workspace/members/[userId]": {
    auth: "owner",
    body: "required",
    maxBytes: SMALL,
    params: { userId: "member" },
    valid: () => ({ role: "viewer" }),
    invalid: [
      { body: { role: "admin" }, paths: ["role"] },
      { body: { role: "viewer", extra: true }, paths: [""] },
    ],
  },
  "DELETE /api/v1/workspace/members/[userId]": { auth: "owner", body: "none", params: { userId: "member" } },
  "GET /api/v1/workspace/invites": { auth: "owner", body: "none" },
  "POST /api/v1/workspace/invites": {
    auth: "owner",
    body: "required",
    maxBytes: SMALL,
    valid: () => ({ email: "new@example.com", role: "viewer" }),
    invalid: [{ body: { email: "nope", role: "god", expiresInHours: 0 }, paths: ["email", "role", "expiresInHours"] }],
  },
  "DELETE /api/v1/workspace/invites/[id]": { auth: "owner", body: "none", params: { id: "invite" } },
  "POST /api/v1/workspace/invites/accept": { auth: "viewer", body: "required", maxBytes: SMALL, valid: () => ({ token: "t".repeat(40) }), invalid: [{ body: { token: 42 }, paths: ["token"] }] },
  "GET /api/v1/workspace/api-keys": { auth: "viewer", body: "none" },
  "POST /api/v1/workspace/api-keys": { auth: "viewer", body: "required", maxBytes: SMALL, valid: () => ({ name: "k" }), invalid: [{ body: { name: 42 }, paths: ["name"] }] },
  "DELETE /api/v1/workspace/api-keys/[id]": { auth: "viewer", body: "none", params: { id: "apiKey" } },
  "POST /api/v1/workspace/switch": { auth: "session", body: "required", maxBytes: SMALL, valid: (own) => ({ workspaceId: own.workspaceId }), invalid: [{ body: { workspaceId: 42 }, paths: ["workspaceId"] }] },
};

/** Ids that name nothing, in every shape a client can send. */
const UNKNOWN_IDS = [
  "00000000-0000-4000-8000-000000000000",
  "not-a-uuid",
  "x".repeat(300),
  "a\u0000b",
  "tab\there\u0007",
  "../../etc/passwd",
  "' or '1'='1",
  "%2e%2e",
  "ünïcødé-😀",
];

const MALFORMED_JSON = ['{"name":', "{'name': 1}", '{"name": 1,}', '{"name": 1} trailing', "NaN", "\uFFFD\uFFFE", "{\"a\":\"\u0001\"}"];
const WRONG_TYPES: unknown[] = [[], "a string", 42, null, true];

const errorBodySchema = z
  .object({
    error: z
      .object({
        code: z.string().regex(/^[a-z_]+$/),
        message: z.string().min(1),
        problems: z.array(z.object({ path: z.string(), message: z.string().min(1), code: z.string() }).strict()).optional(),
      })
      .strict(),
  })
  .strict();

// ---------------------------------------------------------------------------------------------------------------------

interface DiscoveredRoute {
  pattern: string;
  methods: Method[];
  handlers: Partial<Record<Method, Handler>>;
}

function routeFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

async function discoverRoutes(): Promise<DiscoveredRoute[]> {
  const root = path.join(REPO_ROOT, "app");
  const found: DiscoveredRoute[] = [];
  for (const file of routeFiles(path.join(root, "api", "v1")).sort()) {
    const pattern = `/${path.relative(root, path.dirname(file)).split(path.sep).join("/")}`;
    const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    const methods = METHODS.filter((method) => typeof module[method] === "function");
    found.push({ pattern, methods, handlers: Object.fromEntries(methods.map((method) => [method, module[method] as Handler])) });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------------

const SESSION_SECRET = "bad-input-table-session-secret-0123456789abcdef";
const DB_KEY = Symbol.for("hetumind.database");
const WORKER_KEY = Symbol.for("hetumind.server-worker");
const slots = globalThis as unknown as Record<symbol, unknown>;
const saved = { session: process.env.HETUMIND_SESSION_SECRET, encryption: process.env.HETUMIND_ENCRYPTION_KEY };

let database: TestDatabase;
let driver: LocalDriver;
let routes: DiscoveredRoute[];
const keys: Record<Role | "other", string> = { owner: "", editor: "", viewer: "", other: "" };
let ownerCookie = "";
let own: Fixture;
let other: Fixture;
const statuses: Array<{ label: string; status: number }> = [];

beforeAll(async () => {
  process.env.HETUMIND_SESSION_SECRET = SESSION_SECRET;
  process.env.HETUMIND_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  database = await createTestDatabase();
  slots[DB_KEY] = Promise.resolve(database);
  const engine = new Engine({ database, registry: nodeRegistry, leaseMs: 5_000, sleep: async () => {} });
  driver = new LocalDriver(engine, database, { pollIntervalMs: 50, schedules: false });
  // A server worker already started (lib/engine/server-worker-state.ts): its engine and its running driver.
  slots[WORKER_KEY] = { engine: Promise.resolve({ engine, database }), worker: Promise.resolve({ engine, driver }) };

  const db = database.db;
  const owner = await signUp(db, { email: "owner@example.com", password: "owner-password-1" });
  keys.owner = (await createApiKey(db, { workspaceId: owner.workspaceId, userId: owner.user.id, name: "owner" })).key;
  const members: Record<string, string> = {};
  for (const role of ["editor", "viewer"] as const) {
    const user = await createUser(db, { email: `${role}@example.com`, passwordHash: null });
    await addMembership(db, { workspaceId: owner.workspaceId, userId: user.id, role });
    keys[role] = (await createApiKey(db, { workspaceId: owner.workspaceId, userId: user.id, name: role })).key;
    members[role] = user.id;
  }
  const cookie = await createSessionToken({ userId: owner.user.id, workspaceId: owner.workspaceId }, { secret: SESSION_SECRET });
  ownerCookie = `${cookie.name}=${cookie.value}`;
  own = await fixture(owner.workspaceId, owner.user.id, members.editor, "Own");

  const stranger = await signUp(db, { email: "other@example.com", password: "other-password-1", workspaceName: "Other" });
  const otherApiKey = await createApiKey(db, { workspaceId: stranger.workspaceId, userId: stranger.user.id, name: "other" });
  keys.other = otherApiKey.key;
  other = await fixture(stranger.workspaceId, stranger.user.id, stranger.user.id, "Secret other");
  other.apiKey = otherApiKey.apiKey.id;

  routes = await discoverRoutes();
});

afterAll(async () => {
  delete slots[WORKER_KEY];
  delete slots[DB_KEY];
  await database?.close();
  for (const [variable, value] of [["HETUMIND_SESSION_SECRET", saved.session], ["HETUMIND_ENCRYPTION_KEY", saved.encryption]] as const) {
    if (value === undefined) delete process.env[variable];
    else process.env[variable] = value;
  }
});

/** One of each resource in a workspace. */
async function fixture(workspaceId: string, ownerId: string, memberId: string, label: string): Promise<Fixture> {
  const db = database.db;
  const workflowDocument = {
    name: `${label} workflow`,
    nodes: [
      { id: "start", name: "Start", type: "hetumind.manualTrigger", typeVersion: 1, position: [0, 0], parameters: {} },
      { id: "noop", name: "Done", type: "hetumind.noOp", typeVersion: 1, position: [200, 0], parameters: {} },
    ],
    connections: { Start: { main: [[{ node: "Done", type: "main", index: 0 }]] } },
    settings: {},
  };
  const workflow = await createWorkflow(db, { workspaceId, name: workflowDocument.name, definition: workflowDocument });
  await insertWorkflowVersion(db, { workspaceId, workflowId: workflow.id, versionId: workflow.versionId, name: workflow.name, definition: workflowDocument, createdBy: ownerId });
  const execution = await createExecution(db, { workspaceId, workflowId: workflow.id, workflowSnapshot: workflowDocument, mode: "manual", input: { secret: label } });
  await updateExecutionStatus(db, { workspaceId, executionId: execution.id, status: "running" });
  await updateExecutionStatus(db, { workspaceId, executionId: execution.id, status: "succeeded", output: [{ json: { secret: label } }] });
  const credential = await createCredential(db, { workspaceId, name: `${label} credential`, type: "httpBearerAuth", data: { token: `${label}-token` } });
  const apiKey = await createApiKey(db, { workspaceId, userId: ownerId, name: `${label} key` });
  const { invite } = await createInvite(db, { workspaceId, email: `${label.replace(/\W/g, "").toLowerCase()}-invitee@example.com`, role: "editor", invitedBy: ownerId });
  return { workspaceId, workflow: workflow.id, workflowDocument, version: workflow.versionId, execution: execution.id, credential: credential.id, apiKey: apiKey.apiKey.id, invite: invite.id, member: memberId };
}

// ---------------------------------------------------------------------------------------------------------------------

interface Call {
  as?: Role | "other" | "session";
  headers?: Record<string, string>;
  params?: Record<string, string>;
  query?: string;
  /** A JSON value to send, or raw text / bytes as is. */
  json?: unknown;
  raw?: string | Uint8Array<ArrayBuffer>;
}

function urlOf(pattern: string, params: Record<string, string>, query?: string): string {
  const pathname = pattern.replace(/\[(\w+)\]/g, (_, name: string) => encodeURIComponent(params[name] ?? "x"));
  return `http://localhost${pathname}${query ? `?${query}` : ""}`;
}

async function send(route: DiscoveredRoute, method: Method, call: Call, label: string): Promise<Response> {
  const headers = new Headers(call.headers);
  if (call.as === "session") headers.set("cookie", ownerCookie);
  else if (call.as) headers.set("authorization", `Bearer ${keys[call.as]}`);
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (call.raw !== undefined) body = call.raw;
  else if (call.json !== undefined) body = JSON.stringify(call.json);
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const params = call.params ?? {};
  const request = new Request(urlOf(route.pattern, params, call.query), { method, headers, body });
  const response = await route.handlers[method]!(request, { params: Promise.resolve(params) });
  statuses.push({ label: `${method} ${route.pattern} ${label}`, status: response.status });
  return response;
}

/** Asserts the status and the error body's shape; returns the body. */
async function expectError(response: Response, status: number, label: string, code?: string | RegExp): Promise<z.infer<typeof errorBodySchema>> {
  const text = await response.text();
  expect(response.status, `${label}: ${text.slice(0, 500)}`).toBe(status);
  expect(response.headers.get("content-type"), label).toMatch(/^application\/json/);
  expect(response.headers.get("cache-control"), label).toBe("no-store");
  const parsed = errorBodySchema.safeParse(JSON.parse(text));
  expect(parsed.success, `${label}: body ${text.slice(0, 500)}`).toBe(true);
  const body = parsed.data!;
  if (code instanceof RegExp) expect(body.error.code, label).toMatch(code);
  else if (code) expect(body.error.code, label).toBe(code);
  return body;
}

const routeCase = (route: DiscoveredRoute, method: Method) => ROUTES[`${method} ${route.pattern}`]!;
const ownParams = (entry: RouteCase, fixture: Fixture = own): Record<string, string> =>
  Object.fromEntries(Object.entries(entry.params ?? {}).map(([name, kind]) => [name, fixture[kind]]));
/** The principal that passes the role check. */
const allowed = (entry: RouteCase): Call["as"] => (entry.auth === "session" ? "session" : entry.auth === "public" ? undefined : "owner");
const validBody = (entry: RouteCase): unknown => (entry.body === "none" ? undefined : entry.valid?.(own));
/** Sends `call` to every route and method the predicate selects. */
function eachRoute(select: (entry: RouteCase) => boolean): Array<{ route: DiscoveredRoute; method: Method; entry: RouteCase; name: string }> {
  return routes.flatMap((route) =>
    route.methods.filter((method) => select(routeCase(route, method))).map((method) => ({ route, method, entry: routeCase(route, method), name: `${method} ${route.pattern}` })),
  );
}

describe("every /api/v1 route under a table of bad inputs", () => {
  it("the table names every route file and exported method, and nothing else (Next answers 405 to the rest)", () => {
    const discovered = routes.flatMap((route) => route.methods.map((method) => `${method} ${route.pattern}`)).sort();
    expect(discovered.length).toBeGreaterThan(30);
    expect(discovered).toEqual(Object.keys(ROUTES).sort());
    for (const [name, entry] of Object.entries(ROUTES)) {
      const pattern = name.split(" ")[1];
      const declared = [...pattern.matchAll(/\[(\w+)\]/g)].map((match) => match[1]).sort();
      expect(Object.keys(entry.params ?? {}).sort(), `${name}: params`).toEqual(declared);
      if (entry.body !== "none") expect(entry.valid, `${name}: a valid body`).toBeDefined();
    }
  });

  it("no auth, a bad key or a garbage session cookie is 401 (the public OpenAPI document answers 200)", async () => {
    const garbage: Array<Record<string, string>> = [{}, { authorization: "Bearer hm_not-a-real-key-000000000000000000000000000000000" }, { authorization: "Basic YTpi" }, { authorization: "Bearer" }, { cookie: "authjs.session-token=garbage" }];
    for (const { route, method, entry, name } of eachRoute(() => true)) {
      for (const headers of garbage) {
        const response = await send(route, method, { headers, params: ownParams(entry), json: validBody(entry) }, `no auth ${JSON.stringify(headers)}`);
        if (entry.auth === "public") {
          expect(response.status, name).toBe(200);
          continue;
        }
        await expectError(response, 401, `${name} ${JSON.stringify(headers)}`, "unauthenticated");
        expect(response.headers.get("www-authenticate"), name).toMatch(/^Bearer/);
      }
    }
  });

  it("a role below the route's is 403: a viewer changing anything, an editor managing members or invites, an API key switching workspace", async () => {
    const below: Record<RouteCase["auth"], Array<Role>> = { public: [], viewer: [], editor: ["viewer"], owner: ["viewer", "editor"], session: ["viewer", "editor", "owner"] };
    let checked = 0;
    for (const { route, method, entry, name } of eachRoute((entry) => below[entry.auth].length > 0)) {
      for (const role of below[entry.auth]) {
        const response = await send(route, method, { as: role, params: ownParams(entry), json: validBody(entry) }, `as ${role}`);
        await expectError(response, 403, `${name} as ${role}`, "forbidden");
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("unknown ids of every shape are 404, and another workspace's id is 404 with the same body (never its data)", async () => {
    const unknownRoutes = eachRoute((entry) => entry.params !== undefined);
    for (const { route, method, entry, name } of unknownRoutes) {
      const paramNames = Object.keys(entry.params!);
      for (const id of UNKNOWN_IDS) {
        for (const target of paramNames) {
          const params = { ...ownParams(entry), [target]: id };
          const response = await send(route, method, { as: allowed(entry), params, json: validBody(entry) }, `unknown ${target}=${JSON.stringify(id)}`);
          await expectError(response, 404, `${name} ${target}=${JSON.stringify(id)}`, /not_found$/);
        }
      }
      // Another workspace's ids, with a body that would be accepted: the same answer as an unknown id.
      for (const target of paramNames) {
        const otherId = other[entry.params![target]];
        const response = await send(route, method, { as: allowed(entry), params: { ...ownParams(entry), [target]: otherId }, json: validBody(entry) }, `other ${target}`);
        const body = await expectError(response, 404, `${name} another workspace's ${target}`, /not_found$/);
        const unknown = await send(route, method, { as: allowed(entry), params: { ...ownParams(entry), [target]: UNKNOWN_IDS[0] }, json: validBody(entry) }, `unknown ${target}`);
        const unknownBody = await expectError(unknown, 404, `${name} unknown ${target}`);
        expect(JSON.parse(JSON.stringify(body).replaceAll(otherId, UNKNOWN_IDS[0])), name).toEqual(unknownBody);
        expect(JSON.stringify(body), name).not.toMatch(/Secret other/);
      }
    }
    expect(unknownRoutes.length).toBeGreaterThan(15);
  });

  it("malformed JSON is 400 with the parse error; a body route ignores nothing: no body is 400 too", async () => {
    for (const { route, method, entry, name } of eachRoute((entry) => entry.body !== "none")) {
      for (const raw of MALFORMED_JSON) {
        const response = await send(route, method, { as: allowed(entry), params: ownParams(entry), raw }, `malformed ${JSON.stringify(raw)}`);
        const body = await expectError(response, 400, `${name} ${JSON.stringify(raw)}`, "invalid_json");
        expect(body.error.message, name).toMatch(/^Malformed JSON: .+/);
      }
      const invalidUtf8 = await send(route, method, { as: allowed(entry), params: ownParams(entry), raw: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }, "invalid utf-8");
      await expectError(invalidUtf8, 400, `${name} invalid UTF-8`, "invalid_json");
      if (entry.body === "required") {
        for (const raw of ["", "   \n"]) {
          const response = await send(route, method, { as: allowed(entry), params: ownParams(entry), raw }, "empty");
          await expectError(response, 400, `${name} empty body`, "invalid_json");
        }
      }
    }
  });

  it("wrong-typed JSON and schema violations are 422 with every path and message", async () => {
    let deep = "0";
    for (let depth = 0; depth < 5_000; depth++) deep = `[${deep}]`;
    for (const { route, method, entry, name } of eachRoute((entry) => entry.body !== "none")) {
      for (const json of WRONG_TYPES) {
        const response = await send(route, method, { as: allowed(entry), params: ownParams(entry), json }, `wrong type ${JSON.stringify(json)}`);
        const body = await expectError(response, 422, `${name} ${JSON.stringify(json)}`);
        expect(body.error.problems?.length, `${name} ${JSON.stringify(json)}: problems`).toBeGreaterThan(0);
      }
      const nested = await send(route, method, { as: allowed(entry), params: ownParams(entry), raw: deep }, "deeply nested");
      expect((await expectError(nested, 422, `${name} deeply nested`)).error.problems?.length, name).toBeGreaterThan(0);
      // Strings PostgreSQL cannot store: a NUL (text and jsonb) and a lone surrogate (jsonb), in a value and in a key.
      for (const [raw, path, code] of [
        ['{"name": "a\\u0000b", "input": {"x": 1}}', "name", "nul_character"],
        ['{"input": {"deep": ["\\ud800"]}}', "input.deep.0", "lone_surrogate"],
        ['{"a\\u0000": 1}', "a\u0000", "nul_character"],
      ] as const) {
        const response = await send(route, method, { as: allowed(entry), params: ownParams(entry), raw }, `unstorable ${raw}`);
        const body = await expectError(response, 422, `${name} ${raw}`, "validation_failed");
        expect(body.error.problems, `${name} ${raw}`).toEqual([{ path, message: expect.any(String), code }]);
      }
      for (const { body: json, paths } of entry.invalid ?? []) {
        const response = await send(route, method, { as: allowed(entry), params: ownParams(entry), json }, `invalid ${JSON.stringify(json)}`);
        const body = await expectError(response, 422, `${name} ${JSON.stringify(json)}`);
        const problemPaths = [...new Set(body.error.problems!.map((problem) => problem.path))].sort();
        expect(problemPaths, `${name} ${JSON.stringify(json)}`).toEqual([...paths].sort());
        for (const problem of body.error.problems!) expect(body.error.message, name).toContain(problem.message);
      }
    }
  });

  it("a body that is not JSON is 415; a body over the limit is 413, streamed or declared", async () => {
    for (const { route, method, entry, name } of eachRoute((entry) => entry.body !== "none")) {
      const form = await send(route, method, { as: allowed(entry), params: ownParams(entry), raw: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }, "form");
      await expectError(form, 415, `${name} form body`, "unsupported_media_type");
      const limit = entry.maxBytes ?? 1024 * 1024;
      const oversized = JSON.stringify({ name: "x".repeat(limit) });
      const streamed = await send(route, method, { as: allowed(entry), params: ownParams(entry), raw: oversized }, "oversized");
      await expectError(streamed, 413, `${name} oversized (streamed)`, "payload_too_large");
      const declared = await send(route, method, { as: allowed(entry), params: ownParams(entry), raw: "{}", headers: { "content-length": String(limit + 1) } }, "declared oversized");
      await expectError(declared, 413, `${name} oversized (declared)`, "payload_too_large");
    }
  });

  it("routes without a body ignore one, however bad (an unknown id is still 404)", async () => {
    for (const { route, method, entry, name } of eachRoute((entry) => entry.body === "none" && entry.params !== undefined)) {
      if (method === "GET") continue; // a GET cannot carry a body
      for (const raw of [MALFORMED_JSON[0], "x".repeat(2 * 1024 * 1024)]) {
        const params = { ...ownParams(entry), [Object.keys(entry.params!)[0]]: UNKNOWN_IDS[0] };
        const response = await send(route, method, { as: allowed(entry), params, raw }, "ignored body");
        await expectError(response, 404, `${name} with an ignored body`, /not_found$/);
      }
    }
  });

  it("bad query strings are 422 with their paths (a cursor this API did not hand out is 400)", async () => {
    for (const { route, method, entry, name } of eachRoute((entry) => entry.badQueries !== undefined)) {
      for (const { query, status, paths } of entry.badQueries!) {
        const response = await send(route, method, { as: allowed(entry), params: ownParams(entry), query, json: validBody(entry) }, `query ${query.slice(0, 40)}`);
        const body = await expectError(response, status, `${name}?${query.slice(0, 60)}`, status === 400 ? "bad_request" : "validation_failed");
        if (paths) expect([...new Set(body.error.problems!.map((problem) => problem.path))].sort(), `${name}?${query.slice(0, 60)}`).toEqual([...paths].sort());
      }
    }
  });

  it("a stale versionId is 409 and saves nothing", async () => {
    const [{ route, method, entry }] = eachRoute((entry) => entry.body === "required" && entry.params?.id === "workflow");
    const response = await send(route, method, { as: "owner", params: ownParams(entry), json: { ...own.workflowDocument, name: "stale write", versionId: "00000000-0000-4000-8000-000000000001" } }, "stale");
    await expectError(response, 409, "PUT stale versionId", "version_conflict");
    const rows = await database.db.execute(sql`select name, version_id from workflows where id = ${own.workflow}`);
    expect((rows as unknown as { rows: Array<{ name: string; version_id: string }> }).rows[0]).toEqual({ name: own.workflowDocument.name, version_id: own.version });
  });

  it("nothing of the other workspace changed, and no route answered 500 to any of it", async () => {
    const one = async (query: ReturnType<typeof sql>) => (await database.db.execute(query)) as unknown as { rows: Array<Record<string, unknown>> };
    expect((await one(sql`select name, version_id, active from workflows where id = ${other.workflow}`)).rows).toEqual([{ name: "Secret other workflow", version_id: other.version, active: false }]);
    expect((await one(sql`select status from executions where id = ${other.execution}`)).rows).toEqual([{ status: "succeeded" }]);
    expect((await one(sql`select name from credentials where id = ${other.credential}`)).rows).toEqual([{ name: "Secret other credential" }]);
    expect((await one(sql`select revoked_at from api_keys where id = ${other.apiKey}`)).rows).toEqual([{ revoked_at: null }]);
    expect((await one(sql`select id from invites where id = ${other.invite}`)).rows).toHaveLength(1);
    expect((await one(sql`select role from memberships where workspace_id = ${other.workspaceId} and user_id = ${other.member}`)).rows).toEqual([{ role: "owner" }]);
    expect(statuses.length).toBeGreaterThan(700);
    expect(statuses.filter((entry) => entry.status >= 500)).toEqual([]);
  });
});
