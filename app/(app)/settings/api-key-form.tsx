"use client";
import { useActionState } from "react";
import { createApiKeyAction } from "./actions";

export function ApiKeyForm() {
  const [state, action, pending] = useActionState(createApiKeyAction, undefined);
  return (
    <form action={action} data-testid="api-key-form" style={{ marginBottom: 12 }}>
      <label>
        New key name <input name="name" required maxLength={100} data-testid="api-key-name" />
      </label>{" "}
      <button type="submit" disabled={pending} data-testid="api-key-create">
        Create API key
      </button>
      {state?.ok && (
        <p data-testid="api-key-created" style={{ background: "#fff8d6", padding: 8 }}>
          Copy it now, it is shown once: <code data-testid="api-key-value">{state.message}</code>
        </p>
      )}
      {state && !state.ok && (
        <p role="alert" style={{ color: "#b00020" }}>
          {state.error.message}
        </p>
      )}
    </form>
  );
}
