/**
 * JSON sign-in and sign-out for scripts, tests and a client-side form: `POST {email, password}` -> 200 with the user's
 * workspaces and the same session cookie Auth.js issues (so `auth()`, `/api/auth/session` and Auth.js sign-out work
 * with it); a wrong password is 401, too many failures 429 with Retry-After, bad JSON 400, a missing field 422.
 *
 * app/api/v1/auth/sign-in/route.ts: `export const POST = passwordSignInRoute();`
 * Note that a JWT session cannot be revoked server-side before it expires: sign-out removes the cookie.
 */
import { z } from "zod";
import type { Database } from "../db/client";
import { parseJsonBody } from "../http/body";
import { clientIp } from "../http/client-ip";
import { route } from "../http/route";
import { createSessionToken, SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionMaxAgeSeconds } from "./session";
import { signIn, type SignInLimits, SIGN_IN_LIMITS } from "./sign-in";

export const passwordSignInSchema = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
  /** Start in this workspace (default: the first one joined). */
  workspaceId: z.string().optional(),
});

function isSecure(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

function cookieHeader(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

export function passwordSignInRoute(options: { database?: () => Promise<Database>; limits?: SignInLimits } = {}) {
  return route({ auth: "none", database: options.database }, async ({ request, db }) => {
    const body = await parseJsonBody(request, passwordSignInSchema, { maxBytes: 16 * 1024 });
    const result = await signIn(db, { email: body.email, password: body.password, ip: clientIp(request) }, options.limits ?? SIGN_IN_LIMITS);
    const current = result.workspaces.find((workspace) => workspace.workspaceId === body.workspaceId) ?? result.workspaces[0];
    const secure = isSecure(request);
    const headers = new Headers();
    if (current) {
      const maxAge = sessionMaxAgeSeconds();
      const cookie = await createSessionToken({ userId: result.user.id, workspaceId: current.workspaceId }, { secure, maxAgeSeconds: maxAge });
      headers.append("set-cookie", cookieHeader(cookie.name, cookie.value, maxAge, secure));
    }
    return Response.json({ user: result.user, workspaceId: current?.workspaceId ?? null, workspaces: result.workspaces }, { headers });
  });
}

/** 204 clearing the session cookie (both names). app/api/v1/auth/sign-out/route.ts: `export const POST = signOutResponse;` */
export function signOutResponse(): Response {
  const headers = new Headers();
  headers.append("set-cookie", cookieHeader(SESSION_COOKIE, "", 0, false));
  headers.append("set-cookie", cookieHeader(SECURE_SESSION_COOKIE, "", 0, true));
  return new Response(null, { status: 204, headers });
}
