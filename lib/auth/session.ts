/**
 * Session tokens: Auth.js (next-auth v5) JWTs — encrypted (JWE), in the `authjs.session-token` cookie
 * (`__Secure-authjs.session-token` over HTTPS), salted with the cookie name. The token carries `userId` and the current
 * `workspaceId`; the role is read from the membership on every request, so a role change or removal applies at once.
 * lib/auth/next-auth.ts issues them; this file reads them from a plain Request (route handlers, tests).
 */
import { decode, encode, type JWT } from "next-auth/jwt";
import { getSessionSecret } from "./session-secret";

export const SESSION_COOKIE = "authjs.session-token";
export const SECURE_SESSION_COOKIE = `__Secure-${SESSION_COOKIE}`;

/** `HETUMIND_SESSION_MAX_AGE_SECONDS`, default 7 days. */
export function sessionMaxAgeSeconds(): number {
  const configured = Number(process.env.HETUMIND_SESSION_MAX_AGE_SECONDS);
  return Number.isFinite(configured) && configured > 0 ? Math.floor(configured) : 7 * 24 * 60 * 60;
}

export interface SessionClaims {
  userId: string;
  workspaceId: string;
}

function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("cookie");
  if (!header) return undefined;
  // Auth.js splits large tokens into name.0, name.1, ...
  const cookies = new Map<string, string>();
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index > 0) cookies.set(part.slice(0, index).trim(), decodeURIComponent(part.slice(index + 1).trim()));
  }
  if (cookies.has(name)) return cookies.get(name);
  const chunks: string[] = [];
  for (let index = 0; cookies.has(`${name}.${index}`); index++) chunks.push(cookies.get(`${name}.${index}`)!);
  return chunks.length > 0 ? chunks.join("") : undefined;
}

/** The session a request carries, if its cookie decrypts and has not expired. */
export async function readSession(request: Request, secret = getSessionSecret()): Promise<SessionClaims | undefined> {
  for (const name of [SECURE_SESSION_COOKIE, SESSION_COOKIE]) {
    const token = readCookie(request, name);
    if (!token) continue;
    let payload: JWT | null;
    try {
      payload = await decode({ token, secret, salt: name });
    } catch {
      return undefined; // tampered, expired or signed with another secret
    }
    if (!payload || typeof payload.userId !== "string" || typeof payload.workspaceId !== "string") return undefined;
    return { userId: payload.userId, workspaceId: payload.workspaceId };
  }
  return undefined;
}

/** A session cookie value (tests, tools): what Auth.js would set after signing in. */
export async function createSessionToken(
  claims: SessionClaims,
  options: { secret?: string; maxAgeSeconds?: number; secure?: boolean } = {},
): Promise<{ name: string; value: string }> {
  const name = options.secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  const value = await encode({
    token: { sub: claims.userId, ...claims },
    secret: options.secret ?? getSessionSecret(),
    salt: name,
    maxAge: options.maxAgeSeconds ?? sessionMaxAgeSeconds(),
  });
  return { name, value };
}
