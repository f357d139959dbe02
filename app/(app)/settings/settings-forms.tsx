"use client";
/** The settings page's forms: server actions with inline errors; one-time values (invite link, API key) with a copy button. */
import { useActionState, useRef, useState } from "react";
import type { ActionState } from "@/lib/ui/action-error";
import { createApiKeyAction, inviteMemberAction } from "./actions";

type FormAction = (previous: ActionState, form: FormData) => Promise<ActionState>;

const ROLES = ["viewer", "editor", "owner"] as const;

function ErrorText({ state, testId = "settings-error" }: { state: ActionState; testId?: string }) {
  if (!state || state.ok) return null;
  return (
    <span role="alert" data-testid={testId} style={{ color: "#b00020", fontSize: 13, marginLeft: 8 }}>
      {state.error.status} {state.error.code}: {state.error.message}
    </span>
  );
}

/** A value shown once (it cannot be read again after leaving the page), selectable and copyable. */
function OneTimeValue({ value, label, testId }: { value: string; label: string; testId: string }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // No clipboard API (an insecure origin): select the text so that Ctrl+C copies it.
      field.current?.select();
      document.execCommand("copy");
    }
    setCopied(true);
  };
  return (
    <div data-testid={`${testId}-box`} style={{ background: "#fff8d6", padding: 8, marginTop: 8, borderRadius: 6 }}>
      <div style={{ fontSize: 13, marginBottom: 4 }}>{label}</div>
      <input ref={field} readOnly value={value} data-testid={testId} onFocus={(event) => event.currentTarget.select()} style={{ width: "70%", fontFamily: "monospace", padding: 4 }} />{" "}
      <button type="button" onClick={copy} data-testid={`${testId}-copy`}>
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}

export function ApiKeyForm() {
  const [state, action, pending] = useActionState(createApiKeyAction, undefined);
  return (
    <form action={action} data-testid="api-key-form" style={{ marginBottom: 12 }}>
      <label>
        New key name <input name="name" required maxLength={128} data-testid="api-key-name" />
      </label>{" "}
      <button type="submit" disabled={pending} data-testid="api-key-create">
        Create API key
      </button>
      <ErrorText state={state} />
      {state?.ok && state.message && <OneTimeValue value={state.message} label="Copy the key now: it is shown once and cannot be read again." testId="api-key-value" />}
    </form>
  );
}

export function InviteForm() {
  const [state, action, pending] = useActionState(inviteMemberAction, undefined);
  return (
    <form action={action} data-testid="invite-form" style={{ marginBottom: 12 }}>
      <label>
        Email <input name="email" type="email" required maxLength={320} data-testid="invite-email" />
      </label>{" "}
      <label>
        Role{" "}
        <select name="role" defaultValue="editor" data-testid="invite-role">
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
      </label>{" "}
      <button type="submit" disabled={pending} data-testid="invite-create">
        Invite
      </button>
      <ErrorText state={state} />
      {state?.ok && state.message && (
        <OneTimeValue value={state.message} label="Send this one-time link to the invitee (it is shown once; it works once, for that address, for 7 days)." testId="invite-link" />
      )}
    </form>
  );
}

/** A member's role: a select and a button (owners only). */
export function RoleForm({ action, userId, role }: { action: FormAction; userId: string; role: string }) {
  const [state, formAction, pending] = useActionState(action, undefined);
  return (
    <form action={formAction} style={{ display: "inline" }}>
      <input type="hidden" name="userId" value={userId} />
      <select name="role" defaultValue={role} key={role} data-testid="member-role-select" aria-label="Role">
        {ROLES.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>{" "}
      <button type="submit" disabled={pending} data-testid="member-role-save">
        Change role
      </button>
      <ErrorText state={state} />
    </form>
  );
}

/** One button that runs an action on one row (revoke, remove), asking first when `confirm` is given. */
export function RowActionButton({ action, fields, label, testId, confirm }: { action: FormAction; fields: Record<string, string>; label: string; testId: string; confirm?: string }) {
  const [state, formAction, pending] = useActionState(action, undefined);
  return (
    <form
      action={formAction}
      style={{ display: "inline" }}
      onSubmit={(event) => {
        if (confirm && !window.confirm(confirm)) event.preventDefault();
      }}
    >
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" disabled={pending} data-testid={testId}>
        {label}
      </button>
      <ErrorText state={state} />
    </form>
  );
}
