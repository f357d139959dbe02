"use server";
/**
 * Sign-in and sign-up forms as server actions: they work before the page hydrates (progressive enhancement), set the
 * same session cookie Auth.js issues (lib/auth/session.ts) and redirect. The JSON endpoints under /api/auth do the
 * same for scripts.
 */
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { UnauthenticatedError } from "@/lib/auth/errors";
import { signIn as authJsSignIn } from "@/lib/auth/next-auth";
import { enabledOAuthProviders } from "@/lib/auth/oauth-providers";
import { createSessionToken, sessionMaxAgeSeconds } from "@/lib/auth/session";
import { signIn } from "@/lib/auth/sign-in";
import { signUp } from "@/lib/auth/sign-up";
import { getDatabase } from "@/lib/db/client";
import { acceptInvite } from "@/lib/db/queries/invites";
import { getUserById } from "@/lib/db/queries/users";
import { HetumindError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { actionError, type ActionState } from "@/lib/ui/action-error";
import { currentPrincipal } from "@/lib/ui/session";

function safeNext(value: FormDataEntryValue | null): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") ? value : "/workflows";
}

async function startSession(userId: string, workspaceId: string): Promise<void> {
  const requestHeaders = await headers();
  const secure = requestHeaders.get("x-forwarded-proto") === "https";
  const maxAge = sessionMaxAgeSeconds();
  const cookie = await createSessionToken({ userId, workspaceId }, { secure, maxAgeSeconds: maxAge });
  (await cookies()).set(cookie.name, cookie.value, { path: "/", httpOnly: true, sameSite: "lax", secure, maxAge });
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

export async function signInAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const db = (await getDatabase()).db;
    const request = new Request("http://localhost/", { headers: await headers() });
    const result = await signIn(db, { email: text(form, "email"), password: text(form, "password"), ip: clientIp(request) });
    const first = result.workspaces[0];
    if (!first) throw new HetumindError("forbidden", "This account belongs to no workspace any more");
    await startSession(result.user.id, first.workspaceId);
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
  redirect(safeNext(form.get("next")));
}

export async function signUpAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const db = (await getDatabase()).db;
    const email = text(form, "email").trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new HetumindError("validation_failed", "Enter a valid email address");
    const result = await signUp(db, {
      email,
      password: text(form, "password"),
      name: text(form, "name").trim() || null,
      workspaceName: text(form, "workspaceName").trim() || undefined,
      inviteToken: text(form, "inviteToken") || undefined,
    });
    await startSession(result.user.id, result.workspaceId);
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
  redirect(safeNext(form.get("next")));
}

/** "Sign in with GitHub / Google": hands over to Auth.js, which redirects to the provider (only enabled providers). */
export async function oauthSignInAction(form: FormData): Promise<void> {
  const provider = text(form, "provider");
  if (!enabledOAuthProviders().some((entry) => entry.id === provider)) redirect("/sign-in");
  await authJsSignIn(provider, { redirectTo: safeNext(form.get("next")) });
}

/** A signed-in user accepts an invite (sent to their address): joins its workspace and switches the session to it. */
export async function acceptInviteAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { principal, db } = await currentPrincipal();
    if (!principal) throw new UnauthenticatedError("Sign in first to accept this invitation");
    const user = await getUserById(db, principal.userId);
    if (!user) throw new UnauthenticatedError("Sign in first to accept this invitation");
    const { membership } = await acceptInvite(db, { token: text(form, "inviteToken"), userId: user.id, email: user.email });
    await startSession(user.id, membership.workspaceId);
  } catch (error) {
    return { ok: false, error: actionError(error) };
  }
  redirect("/workflows");
}
