import Link from "next/link";
import { redirect } from "next/navigation";
import { findUsableInvite } from "@/lib/db/queries/invites";
import { getUserById } from "@/lib/db/queries/users";
import { getWorkspace } from "@/lib/db/queries/workspaces";
import { currentPrincipal } from "@/lib/ui/session";
import { AcceptInviteForm, AuthForm } from "../auth-form";
import { OAuthButtons } from "../oauth-buttons";

export const dynamic = "force-dynamic";

/**
 * Sign-up, and where an invite link lands (`/sign-up?invite=<token>`, built by the invites API and the settings page):
 * a visitor signs up with the invited address and joins; a signed-in user accepts with one click; an account holder
 * signs in first and comes back here.
 */
export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ invite?: string }> }) {
  const { invite: token } = await searchParams;
  const { principal, db } = await currentPrincipal();
  if (!token) {
    if (principal) redirect("/workflows");
    return (
      <>
        <h1 style={{ marginTop: 0 }}>Create your Hetumind account</h1>
        <OAuthButtons />
        <AuthForm mode="sign-up" />
        <p>
          Have an account? <Link href="/sign-in">Sign in</Link>
        </p>
      </>
    );
  }

  const invite = await findUsableInvite(db, token);
  if (!invite) {
    return (
      <>
        <h1 style={{ marginTop: 0 }}>Invitation</h1>
        <p role="alert" data-testid="invite-invalid" style={{ color: "#b00020" }}>
          This invitation link is not valid any more: it was used already, it expired, or it was revoked. Ask for a new one.
        </p>
        <p>
          <Link href={principal ? "/workflows" : "/sign-in"}>{principal ? "Back to your workflows" : "Sign in"}</Link>
        </p>
      </>
    );
  }
  const workspace = await getWorkspace(db, invite.workspaceId);
  const heading = (
    <>
      <h1 style={{ marginTop: 0 }}>Join {workspace?.name ?? "a workspace"}</h1>
      <p data-testid="invite-summary">
        You are invited to <strong>{workspace?.name}</strong> as <strong>{invite.role}</strong> ({invite.email}).
      </p>
    </>
  );
  const here = `/sign-up?invite=${encodeURIComponent(token)}`;
  if (principal) {
    const user = await getUserById(db, principal.userId);
    return (
      <>
        {heading}
        <p style={{ fontSize: 14, color: "#555" }}>Signed in as {user?.email}.</p>
        <AcceptInviteForm token={token} />
      </>
    );
  }
  return (
    <>
      {heading}
      <AuthForm mode="sign-up" invite={{ token, email: invite.email }} />
      <p>
        Have an account already?{" "}
        <Link href={`/sign-in?next=${encodeURIComponent(here)}`} data-testid="invite-sign-in">
          Sign in to accept
        </Link>
      </p>
    </>
  );
}
