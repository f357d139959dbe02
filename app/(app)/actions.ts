"use server";
import { cookies, headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { resolveWorkspaceSwitch } from "@/lib/auth/authenticate";
import { createSessionToken, SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionMaxAgeSeconds } from "@/lib/auth/session";
import { HetumindError } from "@/lib/errors";
import { requirePage } from "@/lib/ui/session";

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

/**
 * Switches the session to another workspace the user belongs to (a new session cookie, as `POST
 * /api/v1/workspace/switch` does), then shows that workspace's workflows. Not a member: the session stays where it was.
 */
export async function switchWorkspaceAction(form: FormData): Promise<void> {
  const { principal, db } = await requirePage();
  const workspaceId = form.get("workspaceId");
  if (typeof workspaceId !== "string" || workspaceId === principal.workspaceId) redirect("/workflows");
  try {
    const target = await resolveWorkspaceSwitch(db, principal.userId, workspaceId);
    const secure = (await headers()).get("x-forwarded-proto") === "https";
    const maxAge = sessionMaxAgeSeconds();
    const cookie = await createSessionToken({ userId: principal.userId, workspaceId: target.workspaceId }, { secure, maxAgeSeconds: maxAge });
    (await cookies()).set(cookie.name, cookie.value, { path: "/", httpOnly: true, sameSite: "lax", secure, maxAge });
  } catch (error) {
    if (!HetumindError.isInstance(error) || error.code !== "not_found") throw error;
  }
  // Every page shows the workspace's data: drop what the client router cached for the old one.
  revalidatePath("/", "layout");
  redirect("/workflows");
}
