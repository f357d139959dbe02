/**
 * The /api/v1 credentials, credential-types and workspace-settings handlers, called with real Requests on a test
 * database: auth (401), roles (403), isolation (404), bad input (400/422), the owner rule (409), one-time secrets, and a
 * unique secret marker that must appear in no response body of any credentials route nor in any log line.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { credentialRoutes, credentialTypeRoutes } from "../../lib/api/credentials/routes";
import { workspaceRoutes } from "../../lib/api/workspace/routes";
import { createSessionToken, readSession } from "../../lib/auth/session";
import { signUp } from "../../lib/auth/sign-up";
import { createApiKey } from "../../lib/db/queries/api-keys";
import { createCredential } from "../../lib/db/queries/credentials";
import { addMembership } from "../../lib/db/queries/memberships";
import { createUser } from "../../lib/db/queries/users";
import { DEFAULT_WORKSPACE_ID } from "../../lib/db/schema";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const SECRET = "api-routes-test-session-secret-0123456789abcdef";
const BASE = "http://localhost";
type Handler = (request: Request, context: { params: Promise<never> }) => Promise<Response>;

let database: TestDatabase;
const key = randomBytes(32);
const auth: Record<"owner" | "editor" | "viewer" | "other", string> = { owner: "", editor: "", viewer: "", other: "" };
const users: Record<"owner" | "editor" | "viewer" | "other", string> = { owner: "", editor: "", viewer: "", other: "" };
let otherWorkspaceId: string;
let creds: ReturnType<typeof credentialRoutes>;
let types: ReturnType<typeof credentialTypeRoutes>;
let ws: ReturnType<typeof workspaceRoutes>;

function call(handler: Handler, method: string, path: string, options: { as?: keyof typeof auth; body?: unknown; raw?: string; params?: Record<string, string>; headers?: Record<string, string> } = {}) {
  const headers = new Headers(options.headers);
  if (options.as) headers.set("authorization", `Bearer ${auth[options.as]}`);
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  return handler(new Request(`${BASE}${path}`, { method, headers, body }), { params: Promise.resolve(options.params ?? {}) as Promise<never> });
}

beforeAll(async () => {
  process.env.HETUMIND_SESSION_SECRET = SECRET;
  database = await createTestDatabase();
  const db = database.db;
  const options = { database: async () => db, key };
  creds = credentialRoutes(options);
  types = credentialTypeRoutes(options);
  ws = workspaceRoutes({ database: async () => db, sessionSecret: SECRET });

  const owner = await signUp(db, { email: "owner@example.com", password: "owner-password" });
  users.owner = owner.user.id;
  for (const role of ["editor", "viewer"] as const) {
    const user = await createUser(db, { email: `${role}@example.com`, passwordHash: null });
    await addMembership(db, { workspaceId: DEFAULT_WORKSPACE_ID, userId: user.id, role });
    users[role] = user.id;
  }
  const other = await signUp(db, { email: "other@example.com", password: "other-password" });
  users.other = other.user.id;
  otherWorkspaceId = other.workspaceId;
  for (const who of ["owner", "editor", "viewer"] as const) {
    auth[who] = (await createApiKey(db, { workspaceId: DEFAULT_WORKSPACE_ID, userId: users[who], name: who })).key;
  }
  auth.other = (await createApiKey(db, { workspaceId: otherWorkspaceId, userId: users.other, name: "other" })).key;
});

afterAll(async () => {
  await database?.close();
  delete process.env.HETUMIND_SESSION_SECRET;
});

describe("credentials routes", () => {
  it("401 without auth or with a bad key, on every route", async () => {
    const id = randomUUID();
    const cases: Array<[Handler, string, string]> = [
      [creds.list, "GET", "/api/v1/credentials"],
      [creds.create, "POST", "/api/v1/credentials"],
      [creds.get, "GET", `/api/v1/credentials/${id}`],
      [creds.update, "PATCH", `/api/v1/credentials/${id}`],
      [creds.remove, "DELETE", `/api/v1/credentials/${id}`],
      [creds.test, "POST", `/api/v1/credentials/${id}/test`],
      [types.list, "GET", "/api/v1/credential-types"],
      [ws.listMembers, "GET", "/api/v1/workspace/members"],
      [ws.createInvite, "POST", "/api/v1/workspace/invites"],
      [ws.listApiKeys, "GET", "/api/v1/workspace/api-keys"],
      [ws.switchWorkspace, "POST", "/api/v1/workspace/switch"],
    ];
    for (const [handler, method, path] of cases) {
      const response = await call(handler, method, path, { params: { id }, body: method === "GET" ? undefined : {} });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect((await response.json()).error.code).toBe("unauthenticated");
      const bad = await call(handler, method, path, { params: { id }, headers: { authorization: "Bearer hm_not-a-real-key-000000000000000000000000000000000" } });
      expect(bad.status, `${method} ${path} (bad key)`).toBe(401);
    }
  });

  it("credential types list their fields as JSON Schema and which are secret", async () => {
    const response = await call(types.list, "GET", "/api/v1/credential-types", { as: "viewer" });
    expect(response.status).toBe(200);
    const { data } = await response.json();
    const header = data.find((entry: { type: string }) => entry.type === "httpHeaderAuth");
    expect(header).toMatchObject({ secretFields: ["value"], testable: false, fields: { type: "object", required: ["name", "value"] } });
    expect(header.fields.properties.name).toMatchObject({ type: "string" });
    expect(data.find((entry: { type: string }) => entry.type === "openAiApi")).toMatchObject({ testable: true, secretFields: ["apiKey", "extraHeaders"] });
  });

  it("a viewer reads but cannot write (403); 422 names the fields; malformed JSON is 400; another workspace's id is 404", async () => {
    const viewerCreate = await call(creds.create, "POST", "/api/v1/credentials", { as: "viewer", body: { name: "x", type: "httpBearerAuth", data: { token: "t" } } });
    expect(viewerCreate.status).toBe(403);
    expect((await viewerCreate.json()).error.code).toBe("forbidden");

    const invalid = await call(creds.create, "POST", "/api/v1/credentials", { as: "editor", body: { name: "bad", type: "httpHeaderAuth", data: { name: "not a header", extra: "x" } } });
    expect(invalid.status).toBe(422);
    const paths = (await invalid.json()).error.problems.map((problem: { path: string }) => problem.path).sort();
    expect(paths).toEqual(["data.extra", "data.name", "data.value"]);

    const shape = await call(creds.create, "POST", "/api/v1/credentials", { as: "editor", body: { name: "", data: [] } });
    expect(shape.status).toBe(422);
    expect((await shape.json()).error.problems.map((problem: { path: string }) => problem.path).sort()).toEqual(["data", "name", "type"]);

    const unknownType = await call(creds.create, "POST", "/api/v1/credentials", { as: "editor", body: { name: "u", type: "noSuchType", data: {} } });
    expect(unknownType.status).toBe(422);
    expect((await unknownType.json()).error.problems[0].path).toBe("type");

    const malformed = await call(creds.create, "POST", "/api/v1/credentials", { as: "editor", raw: '{"name": "x",' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe("invalid_json");

    const theirs = await createCredential(database.db, { workspaceId: otherWorkspaceId, name: "theirs", type: "httpBearerAuth", data: { token: "their-token" } }, { key });
    for (const [handler, method, path, body] of [
      [creds.get, "GET", `/api/v1/credentials/${theirs.id}`, undefined],
      [creds.update, "PATCH", `/api/v1/credentials/${theirs.id}`, { name: "mine now" }],
      [creds.remove, "DELETE", `/api/v1/credentials/${theirs.id}`, undefined],
      [creds.test, "POST", `/api/v1/credentials/${theirs.id}/test`, undefined],
    ] as Array<[Handler, string, string, unknown]>) {
      const response = await call(handler, method, path, { as: "owner", params: { id: theirs.id }, body });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(JSON.stringify(await response.json())).not.toContain("their-token");
    }
    const list = await (await call(creds.list, "GET", "/api/v1/credentials", { as: "owner" })).json();
    expect(list.data.map((entry: { id: string }) => entry.id)).not.toContain(theirs.id);
  });

  it("a secret marker appears in no response body of any credentials route nor in any log line", async () => {
    const marker = `SECRET-MARKER-${randomUUID()}`;
    const previousLevel = process.env.HETUMIND_LOG_LEVEL;
    process.env.HETUMIND_LOG_LEVEL = "debug";
    const logged: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      logged.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    });
    const bodies: string[] = [];
    const record = async (response: Response, status: number) => {
      const text = await response.text();
      bodies.push(text);
      expect(response.status, text).toBe(status);
      return text ? JSON.parse(text) : undefined;
    };
    try {
      const header = await record(
        await call(creds.create, "POST", "/api/v1/credentials", { as: "editor", body: { name: "Header", type: "httpHeaderAuth", data: { name: "X-Api-Key", value: marker } } }),
        201,
      );
      expect(header.data).toEqual({ name: "X-Api-Key", value: { set: true } });
      const openai = await record(
        await call(creds.create, "POST", "/api/v1/credentials", { as: "editor", body: { name: "AI", type: "openAiApi", data: { apiKey: marker, baseUrl: "http://127.0.0.1:9/v1" } } }),
        201,
      );
      await record(await call(creds.list, "GET", "/api/v1/credentials", { as: "viewer" }), 200);
      await record(await call(creds.list, "GET", "/api/v1/credentials?type=openAiApi", { as: "viewer" }), 200);
      await record(await call(creds.get, "GET", `/api/v1/credentials/${header.id}`, { as: "viewer", params: { id: header.id } }), 200);

      // Update the name only, and post back the `{ set: true }` the public view showed: the secret is kept.
      const renamed = await record(
        await call(creds.update, "PATCH", `/api/v1/credentials/${header.id}`, { as: "editor", params: { id: header.id }, body: { name: "Header 2", data: { value: { set: true } } } }),
        200,
      );
      expect(renamed).toMatchObject({ name: "Header 2", data: { value: { set: true } } });
      const updatedOpenAi = await record(
        await call(creds.update, "PATCH", `/api/v1/credentials/${openai.id}`, { as: "editor", params: { id: openai.id }, body: { data: { baseUrl: "http://127.0.0.1:9/v2" } } }),
        200,
      );
      expect(updatedOpenAi.data).toEqual({ apiKey: { set: true }, extraHeaders: { set: false }, baseUrl: "http://127.0.0.1:9/v2" });
      // A bad update names the field and never echoes a value.
      const badUpdate = await record(
        await call(creds.update, "PATCH", `/api/v1/credentials/${header.id}`, { as: "editor", params: { id: header.id }, body: { data: { value: null }, type: "httpBasicAuth" } }),
        422,
      );
      expect(badUpdate.error.problems.map((problem: { path: string }) => problem.path)).toEqual([""]);
      const missing = await record(
        await call(creds.update, "PATCH", `/api/v1/credentials/${header.id}`, { as: "editor", params: { id: header.id }, body: { data: { value: null } } }),
        422,
      );
      expect(missing.error.problems.map((problem: { path: string }) => problem.path)).toEqual(["data.value"]);

      const untestable = await record(await call(creds.test, "POST", `/api/v1/credentials/${header.id}/test`, { as: "editor", params: { id: header.id } }), 200);
      expect(untestable).toEqual({ ok: false, tested: false, message: "Header Auth credentials have no test" });
      const tested = await record(await call(creds.test, "POST", `/api/v1/credentials/${openai.id}/test`, { as: "editor", params: { id: openai.id } }), 200);
      expect(tested).toMatchObject({ ok: false, tested: true });
      expect((await call(creds.test, "POST", `/api/v1/credentials/${openai.id}/test`, { as: "viewer", params: { id: openai.id } })).status).toBe(403);

      // The secret is really stored (the engine's view), so the absence above means something.
      const { getCredentialData } = await import("../../lib/db/queries/credentials");
      expect((await getCredentialData(database.db, DEFAULT_WORKSPACE_ID, header.id, { key }))?.data.value).toBe(marker);

      await record(await call(creds.remove, "DELETE", `/api/v1/credentials/${openai.id}`, { as: "editor", params: { id: openai.id } }), 204);
      await record(await call(creds.get, "GET", `/api/v1/credentials/${openai.id}`, { as: "viewer", params: { id: openai.id } }), 404);
    } finally {
      spy.mockRestore();
      if (previousLevel === undefined) delete process.env.HETUMIND_LOG_LEVEL;
      else process.env.HETUMIND_LOG_LEVEL = previousLevel;
    }
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) expect(body).not.toContain(marker);
    expect(logged.some((line) => line.includes("credential created"))).toBe(true);
    for (const line of logged) expect(line).not.toContain(marker);
  });
});

describe("workspace routes", () => {
  it("members: anyone lists; an editor managing members is 403; the last owner cannot be removed or demoted (409)", async () => {
    const list = await call(ws.listMembers, "GET", "/api/v1/workspace/members", { as: "viewer" });
    expect(list.status).toBe(200);
    expect((await list.json()).data.map((member: { email: string }) => member.email)).toEqual(["owner@example.com", "editor@example.com", "viewer@example.com"]);

    const editorPatch = await call(ws.updateMember, "PATCH", `/api/v1/workspace/members/${users.viewer}`, { as: "editor", params: { userId: users.viewer }, body: { role: "editor" } });
    expect(editorPatch.status).toBe(403);
    expect((await call(ws.removeMember, "DELETE", `/api/v1/workspace/members/${users.viewer}`, { as: "editor", params: { userId: users.viewer } })).status).toBe(403);
    expect((await call(ws.createInvite, "POST", "/api/v1/workspace/invites", { as: "editor", body: { email: "x@example.com", role: "viewer" } })).status).toBe(403);

    const badRole = await call(ws.updateMember, "PATCH", `/api/v1/workspace/members/${users.viewer}`, { as: "owner", params: { userId: users.viewer }, body: { role: "king" } });
    expect(badRole.status).toBe(422);
    expect((await badRole.json()).error.problems[0].path).toBe("role");

    expect((await call(ws.removeMember, "DELETE", `/api/v1/workspace/members/${users.owner}`, { as: "owner", params: { userId: users.owner } })).status).toBe(409);
    const demote = await call(ws.updateMember, "PATCH", `/api/v1/workspace/members/${users.owner}`, { as: "owner", params: { userId: users.owner }, body: { role: "viewer" } });
    expect(demote.status).toBe(409);
    expect((await demote.json()).error.code).toBe("last_owner");
    // Another workspace's member is 404.
    expect((await call(ws.removeMember, "DELETE", `/api/v1/workspace/members/${users.other}`, { as: "owner", params: { userId: users.other } })).status).toBe(404);

    const promoted = await call(ws.updateMember, "PATCH", `/api/v1/workspace/members/${users.viewer}`, { as: "owner", params: { userId: users.viewer }, body: { role: "editor" } });
    expect(promoted.status).toBe(200);
    expect(await promoted.json()).toMatchObject({ userId: users.viewer, role: "editor" });
    await call(ws.updateMember, "PATCH", `/api/v1/workspace/members/${users.viewer}`, { as: "owner", params: { userId: users.viewer }, body: { role: "viewer" } });
  });

  it("invites: the owner gets the one-time link once; the invited user accepts it once with their own auth", async () => {
    const created = await call(ws.createInvite, "POST", "/api/v1/workspace/invites", { as: "owner", body: { email: "Other@Example.com", role: "editor" } });
    expect(created.status).toBe(201);
    const { token, url, invite } = await created.json();
    expect(url).toBe(`${BASE}/sign-up?invite=${encodeURIComponent(token)}`);
    expect(invite).not.toHaveProperty("tokenHash");
    const pending = await (await call(ws.listInvites, "GET", "/api/v1/workspace/invites", { as: "owner" })).json();
    expect(pending.data.map((entry: { id: string }) => entry.id)).toContain(invite.id);
    expect(JSON.stringify(pending)).not.toContain(token);

    expect((await call(ws.acceptInvite, "POST", "/api/v1/workspace/invites/accept", { body: { token } })).status).toBe(401);
    const wrongUser = await call(ws.acceptInvite, "POST", "/api/v1/workspace/invites/accept", { as: "viewer", body: { token } });
    expect(wrongUser.status).toBe(410);
    const accepted = await call(ws.acceptInvite, "POST", "/api/v1/workspace/invites/accept", { as: "other", body: { token } });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ workspaceId: DEFAULT_WORKSPACE_ID, role: "editor" });
    expect((await call(ws.acceptInvite, "POST", "/api/v1/workspace/invites/accept", { as: "other", body: { token } })).status).toBe(410);
    expect((await call(ws.acceptInvite, "POST", "/api/v1/workspace/invites/accept", { as: "other", body: {} })).status).toBe(422);
  });

  it("API keys: the key is shown once on create and never in the list; non-owners see and revoke only their own", async () => {
    const created = await call(ws.createApiKey, "POST", "/api/v1/workspace/api-keys", { as: "viewer", body: { name: "ci" } });
    expect(created.status).toBe(201);
    const { apiKey, key: newKey } = await created.json();
    expect(newKey).toMatch(/^hm_/);
    expect(apiKey).not.toHaveProperty("keyHash");

    const viewerList = await call(ws.listApiKeys, "GET", "/api/v1/workspace/api-keys", { as: "viewer" });
    const viewerText = await viewerList.text();
    expect(viewerText).not.toContain(newKey);
    expect(JSON.parse(viewerText).data.every((entry: { userId: string }) => entry.userId === users.viewer)).toBe(true);
    const ownerList = await (await call(ws.listApiKeys, "GET", "/api/v1/workspace/api-keys", { as: "owner" })).json();
    expect(new Set(ownerList.data.map((entry: { userId: string }) => entry.userId))).toEqual(new Set([users.owner, users.editor, users.viewer]));

    const editorKeyId = ownerList.data.find((entry: { userId: string }) => entry.userId === users.editor).id;
    expect((await call(ws.revokeApiKey, "DELETE", `/api/v1/workspace/api-keys/${editorKeyId}`, { as: "viewer", params: { id: editorKeyId } })).status).toBe(404);
    expect((await call(ws.revokeApiKey, "DELETE", `/api/v1/workspace/api-keys/${apiKey.id}`, { as: "viewer", params: { id: apiKey.id } })).status).toBe(204);
    expect((await call(ws.revokeApiKey, "DELETE", `/api/v1/workspace/api-keys/${apiKey.id}`, { as: "owner", params: { id: apiKey.id } })).status).toBe(404);
    const revokedUse = await call(ws.listMembers, "GET", "/api/v1/workspace/members", { headers: { authorization: `Bearer ${newKey}` } });
    expect(revokedUse.status).toBe(401);
    expect((await call(ws.createApiKey, "POST", "/api/v1/workspace/api-keys", { as: "viewer", body: { name: "  " } })).status).toBe(422);
  });

  it("switch: a session user switches among their workspaces (new cookie); not a member is 404; an API key is 403", async () => {
    const cookie = await createSessionToken({ userId: users.other, workspaceId: otherWorkspaceId }, { secret: SECRET });
    const headers = { cookie: `${cookie.name}=${cookie.value}` };
    const current = await (await call(ws.current, "GET", "/api/v1/workspace", { headers })).json();
    expect(current).toMatchObject({ workspaceId: otherWorkspaceId, role: "owner", via: "session" });
    expect(current.workspaces.map((entry: { workspaceId: string }) => entry.workspaceId).sort()).toEqual([DEFAULT_WORKSPACE_ID, otherWorkspaceId].sort());

    const switched = await call(ws.switchWorkspace, "POST", "/api/v1/workspace/switch", { headers, body: { workspaceId: DEFAULT_WORKSPACE_ID } });
    expect(switched.status).toBe(200);
    expect(await switched.json()).toMatchObject({ workspaceId: DEFAULT_WORKSPACE_ID, role: "editor" });
    const setCookie = switched.headers.get("set-cookie") ?? "";
    const value = setCookie.split(";")[0];
    const session = await readSession(new Request(BASE, { headers: { cookie: value } }), SECRET);
    expect(session).toEqual({ userId: users.other, workspaceId: DEFAULT_WORKSPACE_ID });

    const strangerWs = (await signUp(database.db, { email: "stranger@example.com", password: "stranger-password" })).workspaceId;
    expect((await call(ws.switchWorkspace, "POST", "/api/v1/workspace/switch", { headers, body: { workspaceId: strangerWs } })).status).toBe(404);
    expect((await call(ws.switchWorkspace, "POST", "/api/v1/workspace/switch", { headers, raw: "{" })).status).toBe(400);
    expect((await call(ws.switchWorkspace, "POST", "/api/v1/workspace/switch", { as: "owner", body: { workspaceId: DEFAULT_WORKSPACE_ID } })).status).toBe(403);
  });
});
