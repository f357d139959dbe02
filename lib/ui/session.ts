/**
 * Pages (server components and server actions): who is signed in, read from the session cookie the same way route
 * handlers do (lib/auth/authenticate.ts), so the role is the membership's as it is now. No session: redirect to
 * /sign-in.
 */
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { authenticateRequest, type Principal } from "@/lib/auth/authenticate";
import { type Database, getDatabase } from "@/lib/db/client";

export interface PageContext {
  principal: Principal;
  db: Database;
}

/** The principal of the current request, or undefined. */
export async function currentPrincipal(): Promise<{ principal: Principal | undefined; db: Database }> {
  const db = (await getDatabase()).db;
  const cookieHeader = (await cookies())
    .getAll()
    .map((cookie) => `${cookie.name}=${encodeURIComponent(cookie.value)}`)
    .join("; ");
  const host = (await headers()).get("host") ?? "localhost";
  const request = new Request(`http://${host}/`, { headers: cookieHeader ? { cookie: cookieHeader } : {} });
  return { principal: await authenticateRequest(request, db), db };
}

/** The principal, or a redirect to /sign-in. */
export async function requirePage(): Promise<PageContext> {
  const { principal, db } = await currentPrincipal();
  if (!principal) redirect("/sign-in");
  return { principal, db };
}
