"use client";
/** The sign-in / sign-up form: a server action (works before hydration) that sets the session cookie and redirects. */
import { useActionState } from "react";
import { acceptInviteAction, signInAction, signUpAction } from "./actions";

const input = { display: "block", width: "100%", padding: 8, marginTop: 4, marginBottom: 12, boxSizing: "border-box", border: "1px solid #ccc", borderRadius: 6 } as const;

/** An invite being accepted by signing up: its token goes with the form, and the address is the invited one. */
export interface InviteForForm {
  token: string;
  email: string;
}

export function AuthForm({ mode, next, invite }: { mode: "sign-in" | "sign-up"; next?: string; invite?: InviteForForm }) {
  const [state, action, pending] = useActionState(mode === "sign-up" ? signUpAction : signInAction, undefined);
  return (
    <form action={action} data-testid={`${mode}-form`}>
      {next && <input type="hidden" name="next" value={next} />}
      {invite && <input type="hidden" name="inviteToken" value={invite.token} />}
      {mode === "sign-up" && (
        <label>
          Name
          <input name="name" autoComplete="name" style={input} data-testid="name" />
        </label>
      )}
      <label>
        Email
        <input name="email" type="email" required autoComplete="email" style={input} data-testid="email" defaultValue={invite?.email} readOnly={Boolean(invite)} />
      </label>
      <label>
        Password
        <input name="password" type="password" required minLength={mode === "sign-up" ? 8 : 1} autoComplete={mode === "sign-up" ? "new-password" : "current-password"} style={input} data-testid="password" />
      </label>
      {mode === "sign-up" && !invite && (
        <label>
          Workspace name (optional)
          <input name="workspaceName" style={input} data-testid="workspace-name" />
        </label>
      )}
      {state && !state.ok && (
        <p role="alert" data-testid="auth-error" style={{ color: "#b00020" }}>
          {state.error.message}
        </p>
      )}
      <button type="submit" disabled={pending} data-testid="submit" style={{ padding: "8px 16px" }}>
        {mode === "sign-up" ? "Create account" : "Sign in"}
      </button>
    </form>
  );
}

/** A signed-in user accepts an invite with one click (joins the workspace and switches to it). */
export function AcceptInviteForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState(acceptInviteAction, undefined);
  return (
    <form action={action} data-testid="accept-invite-form">
      <input type="hidden" name="inviteToken" value={token} />
      {state && !state.ok && (
        <p role="alert" data-testid="auth-error" style={{ color: "#b00020" }}>
          {state.error.message}
        </p>
      )}
      <button type="submit" disabled={pending} data-testid="accept-invite" style={{ padding: "8px 16px" }}>
        Accept the invitation
      </button>
    </form>
  );
}
