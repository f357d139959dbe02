/**
 * Sessions end to end, in-process: Auth.js (next-auth v5) handlers on a test database — CSRF, the Credentials
 * callback setting the session cookie, the session endpoint, switching workspace, sign-out — and the JSON sign-in route
 * (401 / 429 / 400 / 422); every cookie is then checked through authenticateRequest, as route handlers do.
 */
import { register } from "tsx/esm/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateRequest } from "../../lib/auth/authenticate";
import { passwordSignInRoute, signOutResponse } from "../../lib/auth/password-sign-in-route";
import { signUp } from "../../lib/auth/sign-up";
import { addMembership } from "../../lib/db/queries/memberships";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

// next-auth imports "next/server" without an extension, which Node's own ESM resolver (vitest externalizes
// node_modules) refuses; Next's bundler and tsx resolve it. tsx's resolver hooks make the import work here too.
register();
const { NextRequest } = await import("next/server.js");
const { createAuth } = await import("../../lib/auth/next-auth");

const BASE = "http://localhost:3000/api/auth";

/** `name=value` pairs of the Set-Cookie headers (empty value: cleared). */
function setCookies(response: Response): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const index = pair.indexOf("=");
    cookies.set(pair.slice(0, index), pair.slice(index + 1));
  }
  return cookies;
}

function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies].filter(([, value]) => value !== "").map(([name, value]) => `${name}=${value}`).join("; ");
}

describe("sessions", () => {
  let database: TestDatabase;
  let auth: ReturnType<typeof createAuth>;
  let userId: string;
  let ownWorkspaceId: string;
  let otherWorkspaceId: string;

  beforeAll(async () => {
    process.env.HETUMIND_SESSION_SECRET = "session-test-secret-0123456789-0123456789";
    database = await createTestDatabase();
    auth = createAuth({ database: async () => database.db });
    const user = await signUp(database.db, { email: "eve@example.com", password: "eve-password" });
    userId = user.user.id;
    ownWorkspaceId = user.workspaceId;
    const other = await signUp(database.db, { email: "frank@example.com", password: "frank-password" });
    otherWorkspaceId = other.workspaceId;
    await addMembership(database.db, { workspaceId: otherWorkspaceId, userId, role: "viewer" });
  });
  afterAll(async () => {
    await database?.close();
    delete process.env.HETUMIND_SESSION_SECRET;
  });

  async function csrf(): Promise<{ token: string; cookies: Map<string, string> }> {
    const response = await auth.handlers.GET(new NextRequest(`${BASE}/csrf`));
    return { token: (await response.json()).csrfToken, cookies: setCookies(response) };
  }

  async function signInThroughAuthJs(email: string, password: string, ip = "203.0.113.1") {
    const { token, cookies } = await csrf();
    const response = await auth.handlers.POST(
      new NextRequest(`${BASE}/callback/credentials`, {
        method: "POST",
        body: new URLSearchParams({ csrfToken: token, email, password, callbackUrl: "http://localhost:3000/" }),
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(cookies), "x-forwarded-for": ip },
      }),
    );
    for (const [name, value] of setCookies(response)) cookies.set(name, value);
    return { response, cookies, csrfToken: token };
  }

  it("Auth.js: the Credentials sign-in sets a session cookie that authenticates to the first workspace; the session can switch workspace; sign-out clears it", async () => {
    const { response, cookies, csrfToken } = await signInThroughAuthJs("EVE@example.com", "eve-password");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://localhost:3000/");
    expect(cookies.get("authjs.session-token")).toBeTruthy();

    const request = () => new Request("http://localhost:3000/api/v1/workflows", { headers: { cookie: cookieHeader(cookies) } });
    expect(await authenticateRequest(request(), database.db)).toEqual({ userId, workspaceId: ownWorkspaceId, role: "owner", via: "session" });

    const session = await (await auth.handlers.GET(new NextRequest(`${BASE}/session`, { headers: { cookie: cookieHeader(cookies) } }))).json();
    expect(session).toMatchObject({ userId, workspaceId: ownWorkspaceId, user: { email: "eve@example.com" } });
    expect(Date.parse(session.expires)).toBeGreaterThan(Date.now());

    const switched = await auth.handlers.POST(
      new NextRequest(`${BASE}/session`, {
        method: "POST",
        body: JSON.stringify({ csrfToken, data: { workspaceId: otherWorkspaceId } }),
        headers: { "content-type": "application/json", cookie: cookieHeader(cookies) },
      }),
    );
    expect(switched.status).toBe(200);
    const refused = await auth.handlers.POST(
      new NextRequest(`${BASE}/session`, {
        method: "POST",
        body: JSON.stringify({ csrfToken, data: { workspaceId: "not-a-member-of-this" } }),
        headers: { "content-type": "application/json", cookie: cookieHeader(cookies) },
      }),
    );
    expect((await refused.json()).workspaceId).toBe(ownWorkspaceId);
    for (const [name, value] of setCookies(switched)) cookies.set(name, value);
    expect(await authenticateRequest(request(), database.db)).toMatchObject({ workspaceId: otherWorkspaceId, role: "viewer" });

    const signOut = await auth.handlers.POST(
      new NextRequest(`${BASE}/signout`, {
        method: "POST",
        body: new URLSearchParams({ csrfToken, callbackUrl: "http://localhost:3000/" }),
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(cookies) },
      }),
    );
    const cleared = setCookies(signOut);
    expect(cleared.get("authjs.session-token")).toBe("");
    for (const [name, value] of cleared) cookies.set(name, value);
    expect(await authenticateRequest(request(), database.db)).toBeUndefined();
  });

  it("Auth.js: a wrong password redirects with CredentialsSignin and sets no session", async () => {
    const { response, cookies } = await signInThroughAuthJs("eve@example.com", "not-her-password", "203.0.113.2");
    expect(response.headers.get("location")).toMatch(/error=CredentialsSignin&code=credentials/);
    expect(cookies.get("authjs.session-token")).toBeUndefined();
  });

  it("JSON sign-in: 200 with a working cookie, 401 for a wrong password, 429 with Retry-After after the limit, 400/422 for bad bodies; sign-out clears the cookie", async () => {
    const handler = passwordSignInRoute({ database: async () => database.db, limits: { accountFailures: 3, ipFailures: 50, windowMs: 60_000 } });
    const context = { params: Promise.resolve({}) };
    const post = (body: string) =>
      handler(new Request("http://localhost:3000/api/v1/auth/sign-in", { method: "POST", body, headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.7" } }), context);

    const ok = await post(JSON.stringify({ email: "frank@example.com", password: "frank-password" }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ workspaceId: otherWorkspaceId, user: { email: "frank@example.com" } });
    const cookie = ok.headers.getSetCookie()[0];
    expect(cookie).toMatch(/^authjs\.session-token=.+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const principal = await authenticateRequest(new Request("http://localhost:3000/x", { headers: { cookie: cookie.split(";")[0] } }), database.db);
    expect(principal).toMatchObject({ workspaceId: otherWorkspaceId, role: "owner", via: "session" });

    expect((await post("{bad json")).status).toBe(400);
    const invalid = await post(JSON.stringify({ email: 5 }));
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).error.problems.map((problem: { path: string }) => problem.path).sort()).toEqual(["email", "password"]);

    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await post(JSON.stringify({ email: "frank@example.com", password: "guess-guess" }))).status).toBe(401);
    }
    const limited = await post(JSON.stringify({ email: "frank@example.com", password: "frank-password" }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);

    const signOut = signOutResponse();
    expect(signOut.status).toBe(204);
    expect(signOut.headers.getSetCookie().every((header) => /Max-Age=0/.test(header))).toBe(true);
  });
});
