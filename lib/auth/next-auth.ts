/**
 * Auth.js (next-auth v5) for the UI: email + password through the Credentials provider (lib/auth/sign-in.ts, rate
 * limited), JWT sessions that expire (`HETUMIND_SESSION_MAX_AGE_SECONDS`, default 7 days), optional GitHub and Google
 * sign-in switched on by `AUTH_GITHUB_ID`/`AUTH_GITHUB_SECRET` and `AUTH_GOOGLE_ID`/`AUTH_GOOGLE_SECRET`.
 *
 * The token carries `userId` and the current `workspaceId`. Switching workspace: `unstable_update({ workspaceId })`
 * (server) or `useSession().update({ workspaceId })` (client) — checked against the memberships here.
 *
 * Route handlers authenticate with lib/auth/authenticate.ts (cookie or API key); pages use `auth()`.
 * The route: app/api/auth/[...nextauth]/route.ts = `export const { GET, POST } = handlers;`.
 */
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { type Database, getDatabase } from "../db/client";
import { listUserWorkspaces } from "../db/queries/memberships";
import { getUserByEmail } from "../db/queries/users";
import { resolveWorkspaceSwitch } from "./authenticate";
import { oauthProviders, verifiedEmail } from "./oauth-providers";
import { getSessionSecret } from "./session-secret";
import { sessionMaxAgeSeconds } from "./session";
import { signIn as signInWithPassword } from "./sign-in";
import { signUp } from "./sign-up";
import { clientIp } from "../http/client-ip";
import { HetumindError } from "../errors";
import { createLogger } from "../log";

/** Too many failures: Auth.js redirects with `?error=CredentialsSignin&code=rate_limited`. */
class RateLimitedSignin extends CredentialsSignin {
  code = "rate_limited";
}

declare module "next-auth" {
  interface Session {
    userId: string;
    workspaceId: string;
  }
}

export interface AuthOptions {
  /** Where the database comes from (tests); default the process-wide one. */
  database?: () => Promise<Database>;
}

async function processDatabase(): Promise<Database> {
  return (await getDatabase()).db;
}

/** The user's first workspace (the one joined first), for a fresh session. */
async function firstWorkspaceId(db: Database, userId: string): Promise<string | undefined> {
  const [first] = await listUserWorkspaces(db, userId);
  return first?.workspaceId;
}

/**
 * An OAuth sign-in maps to our account by (verified) email, creating it the first time through the same sign-up as a
 * password account: on an empty instance it becomes owner of the default workspace, else it gets a workspace of its own.
 */
async function oauthUserId(db: Database, email: string, name: string | null | undefined): Promise<string> {
  const existing = await getUserByEmail(db, email);
  if (existing) return existing.id;
  return (await signUp(db, { email, password: null, name })).user.id;
}

export function authConfig(options: AuthOptions = {}): NextAuthConfig {
  const database = options.database ?? processDatabase;
  const providers: NextAuthConfig["providers"] = [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      // A wrong password is `?error=CredentialsSignin&code=credentials`; too many, `code=rate_limited`. The JSON
      // endpoint (lib/auth/password-sign-in-route.ts) answers 401 / 429 instead.
      async authorize(credentials, request) {
        if (typeof credentials?.email !== "string" || typeof credentials.password !== "string") return null;
        try {
          const result = await signInWithPassword(await database(), { email: credentials.email, password: credentials.password, ip: clientIp(request) });
          return { id: result.user.id, email: result.user.email, name: result.user.name };
        } catch (error) {
          if (HetumindError.isInstance(error) && error.code === "invalid_credentials") return null;
          if (HetumindError.isInstance(error) && error.code === "rate_limited") throw new RateLimitedSignin(error.message, { cause: error });
          throw error;
        }
      },
    }),
  ];
  providers.push(...oauthProviders());

  const log = createLogger({ component: "auth" });
  return {
    // Auth.js logs a wrong password as an error; ours are structured, and a failed sign-in is routine (debug).
    logger: {
      error: (error) => (error.name === "CredentialsSignin" ? log.debug("sign-in refused", { code: (error as { code?: string }).code }) : log.error(error.message, { name: error.name })),
      warn: (code) => log.warn(`Auth.js warning: ${code}`),
      debug: () => undefined,
    },
    secret: getSessionSecret(),
    trustHost: true,
    session: { strategy: "jwt", maxAge: sessionMaxAgeSeconds() },
    pages: { signIn: "/sign-in" },
    providers,
    callbacks: {
      async signIn({ account, profile }) {
        if (!account || account.provider === "credentials") return true;
        // Only a verified address may claim an account (Google's email_verified; lib/auth/oauth-providers.ts for GitHub).
        return verifiedEmail(profile) !== undefined;
      },
      async jwt({ token, user, account, trigger, session }) {
        if (user && account) {
          const userId = account.provider === "credentials" ? user.id! : await oauthUserId(await database(), user.email!, user.name);
          token.sub = userId;
          token.userId = userId;
          token.workspaceId = await firstWorkspaceId(await database(), userId);
        }
        if (trigger === "update" && typeof session?.workspaceId === "string" && typeof token.userId === "string") {
          // Not a member: the session stays where it was (the client sees its workspaceId unchanged).
          const switched = await resolveWorkspaceSwitch(await database(), token.userId, session.workspaceId).catch((error: unknown) => {
            if (HetumindError.isInstance(error) && error.code === "not_found") return undefined;
            throw error;
          });
          if (switched) token.workspaceId = switched.workspaceId;
        }
        return token;
      },
      session({ session, token }) {
        session.userId = String(token.userId ?? "");
        session.workspaceId = String(token.workspaceId ?? "");
        return session;
      },
    },
  };
}

/** An Auth.js instance (tests build their own on a test database). */
export function createAuth(options: AuthOptions = {}) {
  return NextAuth(() => authConfig(options));
}

export const { handlers, auth, signIn, signOut, unstable_update } = createAuth();
