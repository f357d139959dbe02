/**
 * The session cookie for a freshly signed-up or signed-in user, as a Set-Cookie header value (the same cookie Auth.js
 * issues: lib/auth/session.ts), and the request-side check for HTTPS.
 */
import { createSessionToken, sessionMaxAgeSeconds, type SessionClaims } from "@/lib/auth/session";

export function isSecureRequest(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

export async function sessionSetCookie(claims: SessionClaims, secure: boolean): Promise<string> {
  const maxAge = sessionMaxAgeSeconds();
  const cookie = await createSessionToken(claims, { secure, maxAgeSeconds: maxAge });
  return `${cookie.name}=${cookie.value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}
