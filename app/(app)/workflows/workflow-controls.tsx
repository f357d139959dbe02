"use client";
import { useActionState } from "react";
import type { ActionState } from "@/lib/ui/action-error";
import { importWorkflowAction, setActiveAction } from "./actions";

function ErrorBox({ state, testId }: { state: ActionState; testId: string }) {
  if (!state || state.ok) return null;
  return (
    <div role="alert" data-testid={testId} style={{ color: "#b00020", fontSize: 14, marginTop: 6 }}>
      <strong>
        {state.error.status} {state.error.code}
      </strong>
      : {state.error.message}
      {state.error.problems && (
        <ul style={{ margin: "4px 0" }}>
          {state.error.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ImportForm() {
  const [state, action, pending] = useActionState(importWorkflowAction, undefined);
  return (
    <form action={action} data-testid="import-form" style={{ background: "#fff", border: "1px solid #e5e5e5", borderRadius: 8, padding: 12, marginBottom: 16 }}>
      <label>
        Import a workflow (JSON file){" "}
        <input type="file" name="file" accept="application/json,.json" required data-testid="import-file" />
      </label>{" "}
      <button type="submit" disabled={pending} data-testid="import-submit">
        {pending ? "Importing…" : "Import"}
      </button>
      {state?.ok && (
        <span data-testid="import-ok" style={{ color: "#1b7f3b", marginLeft: 8 }}>
          {state.message}
        </span>
      )}
      {state?.ok && state.details && (
        <ul data-testid="import-report" style={{ fontSize: 13, margin: "6px 0 0", color: "#444" }}>
          {state.details.map((line, index) => (
            <li key={index}>{line}</li>
          ))}
        </ul>
      )}
      <ErrorBox state={state} testId="import-error" />
    </form>
  );
}

export function ActiveToggle({ workflowId, active, disabled }: { workflowId: string; active: boolean; disabled?: boolean }) {
  const [state, action, pending] = useActionState(setActiveAction, undefined);
  return (
    <form action={action} style={{ display: "inline" }}>
      <input type="hidden" name="workflowId" value={workflowId} />
      <input type="hidden" name="active" value={String(!active)} />
      <button
        type="submit"
        role="switch"
        aria-checked={active}
        disabled={pending || disabled}
        data-testid="active-toggle"
        data-active={String(active)}
        style={{ padding: "4px 10px", borderRadius: 12, border: "1px solid #ccc", background: active ? "#1b7f3b" : "#eee", color: active ? "#fff" : "#333" }}
      >
        {pending ? "…" : active ? "Active" : "Inactive"}
      </button>
      <ErrorBox state={state} testId="activate-error" />
    </form>
  );
}
