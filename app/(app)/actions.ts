"use server";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from "@/lib/auth/session";

/** Sign-out: removes the session cookie (a JWT cannot be revoked before it expires) and goes to /sign-in. */
export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  for (const cookie of jar.getAll()) {
    if (cookie.name === SESSION_COOKIE || cookie.name === SECURE_SESSION_COOKIE || cookie.name.startsWith(`${SESSION_COOKIE}.`) || cookie.name.startsWith(`${SECURE_SESSION_COOKIE}.`)) {
      jar.delete(cookie.name);
    }
  }
  redirect("/sign-in");
}
