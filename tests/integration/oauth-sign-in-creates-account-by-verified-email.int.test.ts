/**
 * OAuth sign-in (GitHub / Google) as Auth.js runs it, through our callbacks on a test database: only a verified email
 * may sign in; the first OAuth sign-in of an address creates the users row (no password) through the same sign-up as a
 * password account — owner of the default workspace on an empty instance, a workspace of its own later — and the next
 * sign-in of that address finds the same account. Not tested against the real GitHub or Google services.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NextAuthConfig } from "next-auth";
import { authConfig } from "@/lib/auth/next-auth";
import { getMembership } from "@/lib/db/queries/memberships";
import { getUserByEmail } from "@/lib/db/queries/users";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

type Callbacks = NonNullable<NextAuthConfig["callbacks"]>;
type JwtArguments = Parameters<NonNullable<Callbacks["jwt"]>>[0];
type SignInArguments = Parameters<NonNullable<Callbacks["signIn"]>>[0];

const VARIABLES = ["AUTH_GITHUB_ID", "AUTH_GITHUB_SECRET", "AUTH_GOOGLE_ID", "AUTH_GOOGLE_SECRET", "HETUMIND_SESSION_SECRET"] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

let database: TestDatabase;
let callbacks: Callbacks;

/** What Auth.js passes to the callbacks after a provider's OAuth round trip. */
function oauthArguments(provider: "github" | "google", profile: { email: string | null; email_verified?: boolean; name?: string }) {
  const account = { provider, type: "oauth" as const, providerAccountId: `${provider}-${profile.email}` };
  const user = { id: `${provider}-${profile.email}`, email: profile.email, name: profile.name ?? null };
  return { account, user, profile };
}

async function signInWith(provider: "github" | "google", profile: { email: string | null; email_verified?: boolean; name?: string }) {
  const { account, user } = oauthArguments(provider, profile);
  const allowed = await callbacks.signIn!({ user, account, profile } as unknown as SignInArguments);
  if (allowed !== true) return { allowed, token: undefined };
  const token = await callbacks.jwt!({ token: {}, user, account, profile, trigger: "signIn" } as unknown as JwtArguments);
  return { allowed, token: token as { userId?: string; workspaceId?: string } };
}

beforeAll(async () => {
  Object.assign(process.env, {
    AUTH_GITHUB_ID: "github-client",
    AUTH_GITHUB_SECRET: "github-secret",
    AUTH_GOOGLE_ID: "google-client",
    AUTH_GOOGLE_SECRET: "google-secret",
    HETUMIND_SESSION_SECRET: "oauth-test-secret-0123456789-0123456789",
  });
  database = await createTestDatabase();
  const config = authConfig({ database: async () => database.db });
  callbacks = config.callbacks!;
});

afterAll(async () => {
  await database?.close();
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe("OAuth sign-in", () => {
  it("refuses a profile without a verified email, and creates nothing", async () => {
    expect((await signInWith("google", { email: "unverified@example.com", email_verified: false })).allowed).toBe(false);
    expect((await signInWith("github", { email: null, email_verified: false })).allowed).toBe(false);
    expect(await getUserByEmail(database.db, "unverified@example.com")).toBeUndefined();
  });

  it("on an empty instance, the first OAuth user gets a users row and owns the default workspace", async () => {
    const { allowed, token } = await signInWith("github", { email: "Octo@Example.com", email_verified: true, name: "Octo" });
    expect(allowed).toBe(true);
    const user = await getUserByEmail(database.db, "octo@example.com");
    expect(user).toMatchObject({ email: "octo@example.com", name: "Octo", passwordHash: null });
    expect(token).toMatchObject({ userId: user!.id, workspaceId: DEFAULT_WORKSPACE_ID });
    expect((await getMembership(database.db, DEFAULT_WORKSPACE_ID, user!.id))?.role).toBe("owner");
  });

  it("a later OAuth user gets a workspace of its own, and signing in again finds the same account", async () => {
    const first = await signInWith("google", { email: "grace@example.com", email_verified: true, name: "Grace" });
    const user = await getUserByEmail(database.db, "grace@example.com");
    expect(first.token?.userId).toBe(user!.id);
    expect(first.token?.workspaceId).not.toBe(DEFAULT_WORKSPACE_ID);
    expect((await getMembership(database.db, first.token!.workspaceId!, user!.id))?.role).toBe("owner");
    expect(await getMembership(database.db, DEFAULT_WORKSPACE_ID, user!.id)).toBeUndefined();

    const again = await signInWith("google", { email: "grace@example.com", email_verified: true, name: "Grace" });
    expect(again.token).toEqual(first.token);
  });
});
