"use client";
import { useActionState } from "react";
import type { ActionState } from "@/lib/ui/action-error";
import { createCredentialAction, deleteCredentialAction, testCredentialAction, updateCredentialAction } from "./actions";

export interface CredentialFormField {
  name: string;
  label: string;
  placeholder?: string;
  description?: string;
  secret: boolean;
  required: boolean;
}

/** A stored credential as an edit form gets it: plain values, and for secrets only whether one is stored. */
export interface StoredCredential {
  id: string;
  name: string;
  values: Record<string, string>;
  secretsStored: Record<string, boolean>;
}

const input = { display: "block", width: "100%", maxWidth: 420, padding: 6, marginTop: 2, marginBottom: 8, boxSizing: "border-box" } as const;

function Problems({ state, testId = "credential-error" }: { state: ActionState; testId?: string }) {
  if (!state || state.ok) return null;
  return (
    <div role="alert" data-testid={testId} style={{ color: "#b00020", fontSize: 14 }}>
      <strong>
        {state.error.status} {state.error.code}
      </strong>
      : {state.error.message}
    </div>
  );
}

/**
 * A form generated from a credential type's declaration (its fields, which are secret, its hints): a new credential, or
 * an edit of a stored one — whose secret fields start empty ("stored"; left empty, the stored value is kept).
 */
export function CredentialForm({ type, displayName, fields, stored }: { type: string; displayName: string; fields: CredentialFormField[]; stored?: StoredCredential }) {
  const [state, action, pending] = useActionState(stored ? updateCredentialAction : createCredentialAction, undefined);
  return (
    <form action={action} data-testid={stored ? "credential-edit-form" : `credential-form-${type}`}>
      <input type="hidden" name="type" value={type} />
      {stored && <input type="hidden" name="id" value={stored.id} />}
      <label>
        Name
        <input name="name" required style={input} defaultValue={stored?.name ?? displayName} data-testid="credential-name" />
      </label>
      {fields.map((field) => {
        const secretStored = Boolean(stored?.secretsStored[field.name]);
        return (
          <label key={field.name}>
            {field.label}
            {field.required && !secretStored ? " *" : ""}
            {field.secret && stored && (
              <span data-testid={`credential-secret-state-${field.name}`} style={{ color: "#777", fontSize: 12, marginLeft: 6 }}>
                {secretStored ? "(stored — leave empty to keep it)" : "(not set)"}
              </span>
            )}
            <input
              name={`field.${field.name}`}
              type={field.secret ? "password" : "text"}
              autoComplete={field.secret ? "new-password" : "off"}
              required={field.required && !secretStored}
              placeholder={field.secret && secretStored ? "••••••••" : field.placeholder}
              defaultValue={field.secret ? undefined : stored?.values[field.name]}
              style={input}
              data-testid={`credential-field-${field.name}`}
            />
            {field.description && <small style={{ color: "#777" }}>{field.description}</small>}
          </label>
        );
      })}
      <button type="submit" disabled={pending} data-testid="credential-save">
        {pending ? "Saving…" : "Save"}
      </button>
      {state?.ok && (
        <span data-testid="credential-ok" style={{ color: "#1b7f3b", marginLeft: 8 }}>
          {state.message}
        </span>
      )}
      <Problems state={state} />
    </form>
  );
}

/** "Test": runs the type's declared test on the server with the stored secrets; shows the verdict. */
export function CredentialTestButton({ id }: { id: string }) {
  const [state, action, pending] = useActionState(testCredentialAction, undefined);
  return (
    <form action={action} style={{ display: "inline" }}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} data-testid="credential-test">
        {pending ? "Testing…" : "Test"}
      </button>
      {state && "error" in state && (
        <span role="alert" data-testid="credential-test-result" data-result="error" style={{ color: "#b00020", fontSize: 13, marginLeft: 6 }}>
          {state.error.status} {state.error.code}: {state.error.message}
        </span>
      )}
      {state && !("error" in state) && (
        <span
          data-testid="credential-test-result"
          data-result={state.tested ? (state.ok ? "ok" : "failed") : "untested"}
          style={{ color: state.ok ? "#1b7f3b" : state.tested ? "#b00020" : "#777", fontSize: 13, marginLeft: 6 }}
        >
          {state.ok ? "✓ " : state.tested ? "✗ " : ""}
          {state.message}
        </span>
      )}
    </form>
  );
}

export function CredentialDeleteButton({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState(deleteCredentialAction, undefined);
  return (
    <form
      action={action}
      style={{ display: "inline" }}
      onSubmit={(event) => {
        if (!window.confirm(`Delete the credential "${name}"? Workflows that use it will fail until given another.`)) event.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} data-testid="credential-delete">
        Delete
      </button>
      <Problems state={state} />
    </form>
  );
}
