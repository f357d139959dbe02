"use client";
import { useActionState } from "react";
import type { ActionState } from "@/lib/ui/action-error";
import { createCredentialAction } from "./actions";

export interface CredentialFormField {
  name: string;
  label: string;
  placeholder?: string;
  description?: string;
  secret: boolean;
  required: boolean;
}

const input = { display: "block", width: "100%", maxWidth: 420, padding: 6, marginTop: 2, marginBottom: 8, boxSizing: "border-box" } as const;

function Problems({ state }: { state: ActionState }) {
  if (!state || state.ok) return null;
  return (
    <div role="alert" data-testid="credential-error" style={{ color: "#b00020", fontSize: 14 }}>
      <strong>
        {state.error.status} {state.error.code}
      </strong>
      : {state.error.message}
    </div>
  );
}

/** A form generated from a credential type's declaration (its fields, which are secret, its hints). */
export function CredentialForm({ type, displayName, fields }: { type: string; displayName: string; fields: CredentialFormField[] }) {
  const [state, action, pending] = useActionState(createCredentialAction, undefined);
  return (
    <form action={action} data-testid={`credential-form-${type}`}>
      <input type="hidden" name="type" value={type} />
      <label>
        Name
        <input name="name" required style={input} defaultValue={displayName} data-testid="credential-name" />
      </label>
      {fields.map((field) => (
        <label key={field.name}>
          {field.label}
          {field.required ? " *" : ""}
          <input
            name={`field.${field.name}`}
            type={field.secret ? "password" : "text"}
            autoComplete="off"
            required={field.required}
            placeholder={field.placeholder}
            style={input}
            data-testid={`credential-field-${field.name}`}
          />
          {field.description && <small style={{ color: "#777" }}>{field.description}</small>}
        </label>
      ))}
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
