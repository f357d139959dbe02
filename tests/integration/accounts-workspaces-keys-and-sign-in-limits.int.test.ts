/**
 * Accounts, workspaces, roles, invites, API keys, rate limits and request authentication against a real (in-memory
 * PGlite) database; API keys and the owner rule also over postgres.js.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateRequest, resolveWorkspaceSwitch } from "../../lib/auth/authenticate";
import { createSessionToken } from "../../lib/auth/session";
import { signIn } from "../../lib/auth/sign-in";
import { signUp } from "../../lib/auth/sign-up";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "../../lib/db/queries/api-keys";
import { acceptInvite, createInvite, findUsableInvite } from "../../lib/db/queries/invites";
import { addMembership, listMembers, listUserWorkspaces, removeMembership, setMembershipRole } from "../../lib/db/queries/memberships";
import { hitRateLimit, peekRateLimit, resetRateLimit } from "../../lib/db/queries/rate-limits";
import { createUser, getUserByEmail } from "../../lib/db/queries/users";
import { getWorkspace } from "../../lib/db/queries/workspaces";
import { createWorkflow, getWorkflow } from "../../lib/db/queries/workflows";
import { DEFAULT_WORKSPACE_ID } from "../../lib/db/schema";
import { HetumindError, NotFoundError } from "../../lib/errors";
import { route } from "../../lib/http";
import { createTestDatabase, TEST_DATABASE_DRIVERS, type TestDatabase } from "../helpers/db";

const SECRET = "test-session-secret-that-is-long-enough-0123456789";

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  if (error === undefined) return undefined;
  if (!HetumindError.isInstance(error)) throw error;
  return error.code;
}

describe("sign-up, workspaces, invites, sign-in (PGlite)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    process.env.HETUMIND_SESSION_SECRET = SECRET;
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
    delete process.env.HETUMIND_SESSION_SECRET;
  });

  let ownerId: string;
  let secondId: string;
  let secondWorkspaceId: string;

  it("the first sign-up owns the default workspace; later ones get their own; emails are unique whatever their case", async () => {
    const db = database.db;
    const first = await signUp(db, { email: "Ada@Example.com", password: "first-password", workspaceName: "Ada's team" });
    expect(first).toMatchObject({ firstUser: true, workspaceId: DEFAULT_WORKSPACE_ID, role: "owner", user: { email: "ada@example.com" } });
    expect(first.user).not.toHaveProperty("passwordHash");
    expect((await getWorkspace(db, DEFAULT_WORKSPACE_ID))?.name).toBe("Ada's team");
    ownerId = first.user.id;

    const second = await signUp(db, { email: "bob@example.com", password: "second-password" });
    expect(second.firstUser).toBe(false);
    expect(second.workspaceId).not.toBe(DEFAULT_WORKSPACE_ID);
    expect((await getWorkspace(db, second.workspaceId))?.name).toBe("bob's workspace");
    secondId = second.user.id;
    secondWorkspaceId = second.workspaceId;

    expect(await codeOf(signUp(db, { email: " ADA@example.COM ", password: "another-password" }))).toBe("conflict");
    expect(await codeOf(createUser(db, { email: "bob@EXAMPLE.com", passwordHash: null }))).toBe("conflict");
    expect(await codeOf(signUp(db, { email: "carol@example.com", password: "short" }))).toBe("password_policy");
    expect(await getUserByEmail(db, "carol@example.com")).toBeUndefined();
  });

  it("an invite is accepted once, before it expires, by the invited address; sign-up with it joins the workspace", async () => {
    const db = database.db;
    const { token, invite } = await createInvite(db, { workspaceId: DEFAULT_WORKSPACE_ID, email: "Carol@example.com", role: "editor", invitedBy: ownerId });
    expect(invite).not.toHaveProperty("tokenHash");
    expect((await findUsableInvite(db, token))?.workspaceId).toBe(DEFAULT_WORKSPACE_ID);
    expect(await codeOf(signUp(db, { email: "mallory@example.com", password: "mallory-password", inviteToken: token }))).toBe("invite_invalid");

    const carol = await signUp(db, { email: "carol@example.com", password: "carol-password", inviteToken: token });
    expect(carol).toMatchObject({ workspaceId: DEFAULT_WORKSPACE_ID, role: "editor" });
    expect(await listUserWorkspaces(db, carol.user.id)).toEqual([{ workspaceId: DEFAULT_WORKSPACE_ID, name: "Ada's team", role: "editor" }]);
    expect(await codeOf(acceptInvite(db, { token, userId: secondId, email: "carol@example.com" }))).toBe("invite_invalid");
    expect(await findUsableInvite(db, token)).toBeUndefined();

    const expired = await createInvite(db, { workspaceId: DEFAULT_WORKSPACE_ID, email: "bob@example.com", role: "viewer", ttlMs: 0 });
    const error = await acceptInvite(db, { token: expired.token, userId: secondId, email: "bob@example.com" }).catch((caught: HetumindError) => caught);
    expect(error).toMatchObject({ code: "invite_invalid", fields: { reason: "expired" } });
    expect(await codeOf(acceptInvite(db, { token: "no-such-token", userId: secondId, email: "bob@example.com" }))).toBe("invite_invalid");
  });

  it("a workspace always keeps an owner", async () => {
    const db = database.db;
    expect(await codeOf(setMembershipRole(db, { workspaceId: DEFAULT_WORKSPACE_ID, userId: ownerId, role: "editor" }))).toBe("last_owner");
    expect(await codeOf(removeMembership(db, DEFAULT_WORKSPACE_ID, ownerId))).toBe("last_owner");
    await addMembership(db, { workspaceId: DEFAULT_WORKSPACE_ID, userId: secondId, role: "viewer" });
    expect(await codeOf(addMembership(db, { workspaceId: DEFAULT_WORKSPACE_ID, userId: secondId, role: "viewer" }))).toBe("conflict");
    await setMembershipRole(db, { workspaceId: DEFAULT_WORKSPACE_ID, userId: secondId, role: "owner" });
    await setMembershipRole(db, { workspaceId: DEFAULT_WORKSPACE_ID, userId: ownerId, role: "editor" });
    await setMembershipRole(db, { workspaceId: DEFAULT_WORKSPACE_ID, userId: ownerId, role: "owner" });
    await removeMembership(db, DEFAULT_WORKSPACE_ID, secondId);
    expect((await listMembers(db, DEFAULT_WORKSPACE_ID)).map((member) => [member.email, member.role])).toEqual([
      ["ada@example.com", "owner"],
      ["carol@example.com", "editor"],
    ]);
    expect(await codeOf(removeMembership(db, DEFAULT_WORKSPACE_ID, secondId))).toBe("not_found");
  });

  it("sign-in refuses wrong passwords alike for unknown accounts, and locks an account after 5 failures until reset by success", async () => {
    const db = database.db;
    const limits = { accountFailures: 5, ipFailures: 100, windowMs: 60_000 };
    expect(await codeOf(signIn(db, { email: "nobody@example.com", password: "whatever-1" }, limits))).toBe("invalid_credentials");
    const ok = await signIn(db, { email: "ADA@example.com", password: "first-password" }, limits);
    expect(ok.workspaces.map((workspace) => workspace.workspaceId)).toEqual([DEFAULT_WORKSPACE_ID]);

    for (let attempt = 0; attempt < 4; attempt++) {
      expect(await codeOf(signIn(db, { email: "ada@example.com", password: "wrong-password", ip: "10.0.0.1" }, limits))).toBe("invalid_credentials");
    }
    // A success before the limit resets the account counter.
    await signIn(db, { email: "ada@example.com", password: "first-password" }, limits);
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await codeOf(signIn(db, { email: "ada@example.com", password: "wrong-password", ip: "10.0.0.2" }, limits))).toBe("invalid_credentials");
    }
    const limited = await signIn(db, { email: "ada@example.com", password: "first-password", ip: "10.0.0.3" }, limits).catch((caught: HetumindError) => caught);
    expect(limited).toMatchObject({ code: "rate_limited" });
    expect((limited as unknown as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    // Other accounts are not locked by it.
    await signIn(db, { email: "bob@example.com", password: "second-password", ip: "10.0.0.3" }, limits);
  });

  it("sign-in is limited per IP across accounts", async () => {
    const db = database.db;
    const limits = { accountFailures: 100, ipFailures: 3, windowMs: 60_000 };
    for (const email of ["x1@example.com", "x2@example.com", "x3@example.com"]) {
      expect(await codeOf(signIn(db, { email, password: "guess-guess", ip: "192.0.2.9" }, limits))).toBe("invalid_credentials");
    }
    expect(await codeOf(signIn(db, { email: "bob@example.com", password: "second-password", ip: "192.0.2.9" }, limits))).toBe("rate_limited");
    await signIn(db, { email: "bob@example.com", password: "second-password", ip: "192.0.2.10" }, limits);
  });

  it("concurrent wrong guesses cannot exceed the limit: exactly `limit` are checked, the rest refused", async () => {
    const db = database.db;
    const limits = { accountFailures: 3, ipFailures: 100, windowMs: 60_000 };
    const codes = await Promise.all(
      Array.from({ length: 10 }, () => codeOf(signIn(db, { email: "carol@example.com", password: "parallel-guess" }, limits))),
    );
    expect(codes.filter((code) => code === "invalid_credentials")).toHaveLength(3);
    expect(codes.filter((code) => code === "rate_limited")).toHaveLength(7);
  });

  it("successes from one IP do not use up its failure budget", async () => {
    const db = database.db;
    const limits = { accountFailures: 100, ipFailures: 2, windowMs: 60_000 };
    for (let attempt = 0; attempt < 4; attempt++) await signIn(db, { email: "bob@example.com", password: "second-password", ip: "192.0.2.77" }, limits);
    expect(await codeOf(signIn(db, { email: "bob@example.com", password: "nope-nope", ip: "192.0.2.77" }, limits))).toBe("invalid_credentials");
  });

  it("rate limit windows count hits, refuse past the limit, restart when the window ends, and reset", async () => {
    const db = database.db;
    expect(await hitRateLimit(db, "k", 2, 60_000)).toMatchObject({ allowed: true, hits: 1, retryAfterMs: 0 });
    expect(await hitRateLimit(db, "k", 2, 60_000)).toMatchObject({ allowed: true, hits: 2 });
    const refused = await hitRateLimit(db, "k", 2, 60_000);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect((await peekRateLimit(db, "k", 2)).allowed).toBe(false);
    await resetRateLimit(db, "k");
    expect(await peekRateLimit(db, "k", 2)).toMatchObject({ allowed: true, hits: 0 });
    await hitRateLimit(db, "short", 1, 1);
    await database.pglite!.query("update rate_limits set window_ends_at = now() - interval '1 second' where key = 'short'");
    expect(await hitRateLimit(db, "short", 1, 60_000)).toMatchObject({ allowed: true, hits: 1 });
  });

  it("authenticates a session cookie to the current workspace, with the role as it is now; switching needs a membership", async () => {
    const db = database.db;
    const cookie = await createSessionToken({ userId: ownerId, workspaceId: DEFAULT_WORKSPACE_ID }, { secret: SECRET });
    const request = new Request("http://localhost/api/v1/workflows", { headers: { cookie: `${cookie.name}=${cookie.value}` } });
    expect(await authenticateRequest(request, db)).toEqual({ userId: ownerId, workspaceId: DEFAULT_WORKSPACE_ID, role: "owner", via: "session" });

    expect(await authenticateRequest(new Request("http://localhost/", { headers: { cookie: `${cookie.name}=${cookie.value}x` } }), db)).toBeUndefined();
    const otherSecret = await createSessionToken({ userId: ownerId, workspaceId: DEFAULT_WORKSPACE_ID }, { secret: "another-secret-that-is-long-enough-for-jwe-0000" });
    expect(await authenticateRequest(new Request("http://localhost/", { headers: { cookie: `${otherSecret.name}=${otherSecret.value}` } }), db)).toBeUndefined();
    const expired = await createSessionToken({ userId: ownerId, workspaceId: DEFAULT_WORKSPACE_ID }, { secret: SECRET, maxAgeSeconds: -60 }) // Auth.js allows 15 s of clock skew;
    expect(await authenticateRequest(new Request("http://localhost/", { headers: { cookie: `${expired.name}=${expired.value}` } }), db)).toBeUndefined();

    await expect(resolveWorkspaceSwitch(db, ownerId, secondWorkspaceId)).rejects.toBeInstanceOf(NotFoundError);
    await addMembership(db, { workspaceId: secondWorkspaceId, userId: ownerId, role: "viewer" });
    expect(await resolveWorkspaceSwitch(db, ownerId, secondWorkspaceId)).toEqual({ workspaceId: secondWorkspaceId, role: "viewer" });
    const switched = await createSessionToken({ userId: ownerId, workspaceId: secondWorkspaceId }, { secret: SECRET });
    const switchedRequest = new Request("http://localhost/", { headers: { cookie: `${switched.name}=${switched.value}` } });
    expect(await authenticateRequest(switchedRequest, db)).toMatchObject({ workspaceId: secondWorkspaceId, role: "viewer" });
    // Removed from it: the session falls back to a workspace the user still belongs to.
    await removeMembership(db, secondWorkspaceId, ownerId);
    expect(await authenticateRequest(switchedRequest, db)).toMatchObject({ workspaceId: DEFAULT_WORKSPACE_ID, role: "owner" });
  });

  it("route(): 401 without credentials, 403 below the role, 404 for another workspace's id exactly as for an unknown one", async () => {
    const db = database.db;
    const theirs = await createWorkflow(db, { workspaceId: secondWorkspaceId, name: "theirs", definition: { nodes: [], connections: {} } });
    const carol = (await getUserByEmail(db, "carol@example.com"))!;
    const { key } = await createApiKey(db, { workspaceId: DEFAULT_WORKSPACE_ID, userId: carol.id, name: "editor key" });
    const options = { database: async () => db };
    const get = route<{ id: string }, "viewer">({ auth: "viewer", ...options }, async ({ principal, params }) => {
      const workflow = await getWorkflow(db, principal.workspaceId, params.id);
      if (!workflow) throw new NotFoundError("Workflow", params.id);
      return { id: workflow.id };
    });
    const manageMembers = route({ auth: "owner", ...options }, () => ({ ok: true }));
    const withKey = (url: string, value = key) => new Request(url, { headers: { authorization: `Bearer ${value}` } });

    expect((await get(new Request("http://localhost/x"), { params: Promise.resolve({ id: theirs.id }) })).status).toBe(401);
    expect((await get(withKey("http://localhost/x", "hm_not-a-real-key-000000000000000000000000000000"), { params: Promise.resolve({ id: theirs.id }) })).status).toBe(401);
    const foreign = await get(withKey("http://localhost/x"), { params: Promise.resolve({ id: theirs.id }) });
    const unknown = await get(withKey("http://localhost/x"), { params: Promise.resolve({ id: "no-such-id" }) });
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect((await foreign.text()).replace(theirs.id, "ID")).toBe((await unknown.text()).replace("no-such-id", "ID"));
    expect((await manageMembers(withKey("http://localhost/members"), { params: Promise.resolve({}) })).status).toBe(403);
  });
});

describe.each(TEST_DATABASE_DRIVERS)("API keys (%s)", (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ driver });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("a key is shown once, stored hashed, listed without it, authenticates to its workspace and role, and stops when revoked", async () => {
    const db = database.db;
    const { user, workspaceId } = await signUp(db, { email: `keys-${driver}@example.com`, password: "key-owner-password" });
    const created = await createApiKey(db, { workspaceId, userId: user.id, name: "ci" });
    expect(created.key).toMatch(/^hm_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey.prefix).toBe(created.key.slice(0, 9));
    expect(JSON.stringify(created.apiKey)).not.toContain(created.key);
    const stored = await database.pglite?.query<{ key_hash: string }>("select key_hash from api_keys");
    if (stored) expect(stored.rows.map((row) => row.key_hash).join()).not.toContain(created.key.slice(3));

    const listed = await listApiKeys(db, workspaceId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty("keyHash");
    expect(listed[0].lastUsedAt).toBeNull();

    expect(await authenticateApiKey(db, created.key)).toEqual({ apiKeyId: created.apiKey.id, userId: user.id, workspaceId, role: "owner" });
    expect((await listApiKeys(db, workspaceId))[0].lastUsedAt).not.toBeNull();
    // One character changed (never to itself: a key ending in "A" would otherwise stay the same key).
    expect(await authenticateApiKey(db, `${created.key.slice(0, -1)}${created.key.endsWith("A") ? "B" : "A"}`)).toBeUndefined();
    expect(await authenticateApiKey(db, "not-a-key")).toBeUndefined();

    expect(await revokeApiKey(db, "another-workspace", created.apiKey.id)).toBe(false);
    expect(await revokeApiKey(db, workspaceId, created.apiKey.id)).toBe(true);
    expect(await revokeApiKey(db, workspaceId, created.apiKey.id)).toBe(false);
    expect(await authenticateApiKey(db, created.key)).toBeUndefined();
    expect((await listApiKeys(db, workspaceId))[0].revokedAt).not.toBeNull();
  });

  it("a key stops working when its user leaves the workspace; the last owner cannot leave", async () => {
    const db = database.db;
    const owner = await signUp(db, { email: `owner2-${driver}@example.com`, password: "owner-password" });
    const member = await signUp(db, { email: `member-${driver}@example.com`, password: "member-password" });
    await addMembership(db, { workspaceId: owner.workspaceId, userId: member.user.id, role: "editor" });
    const { key } = await createApiKey(db, { workspaceId: owner.workspaceId, userId: member.user.id, name: "member key" });
    expect((await authenticateApiKey(db, key))?.role).toBe("editor");
    await setMembershipRole(db, { workspaceId: owner.workspaceId, userId: member.user.id, role: "viewer" });
    expect((await authenticateApiKey(db, key))?.role).toBe("viewer");
    await removeMembership(db, owner.workspaceId, member.user.id);
    expect(await authenticateApiKey(db, key)).toBeUndefined();
    expect(await codeOf(removeMembership(db, owner.workspaceId, owner.user.id))).toBe("last_owner");
  });
});
