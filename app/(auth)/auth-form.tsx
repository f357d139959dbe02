"use client";
/** The sign-in / sign-up form: a server action (works before hydration) that sets the session cookie and redirects. */
import { useActionState } from "react";
import { signInAction, signUpAction } from "./actions";

const input = { display: "block", width: "100%", padding: 8, marginTop: 4, marginBottom: 12, boxSizing: "border-box", border: "1px solid #ccc", borderRadius: 6 } as const;

export function AuthForm({ mode, next }: { mode: "sign-in" | "sign-up"; next?: string }) {
  const [state, action, pending] = useActionState(mode === "sign-up" ? signUpAction : signInAction, undefined);
  return (
    <form action={action} data-testid={`${mode}-form`}>
      {next && <input type="hidden" name="next" value={next} />}
      {mode === "sign-up" && (
        <label>
          Name
          <input name="name" autoComplete="name" style={input} data-testid="name" />
        </label>
      )}
      <label>
        Email
        <input name="email" type="email" required autoComplete="email" style={input} data-testid="email" />
      </label>
      <label>
        Password
        <input name="password" type="password" required minLength={mode === "sign-up" ? 8 : 1} autoComplete={mode === "sign-up" ? "new-password" : "current-password"} style={input} data-testid="password" />
      </label>
      {mode === "sign-up" && (
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
