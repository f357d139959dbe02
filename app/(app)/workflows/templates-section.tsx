"use client";
/** The "Templates" section of the workflows page: each shipped template with a one-click import (credentials optional). */
import { useActionState } from "react";
import type { ActionState } from "@/lib/ui/action-error";
import { importTemplateAction } from "./actions";

export interface TemplateCard {
  id: string;
  name: string;
  description: string;
  nodeTypes: string[];
  /** Per credential type the template needs: the workspace's credentials of that type to choose from. */
  credentials: Array<{ type: string; nodes: string[]; options: Array<{ id: string; name: string }> }>;
}

function TemplateImport({ template, canEdit }: { template: TemplateCard; canEdit: boolean }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(importTemplateAction, undefined);
  return (
    <li data-testid="template" data-template-id={template.id} style={{ background: "#fff", border: "1px solid #e5e5e5", borderRadius: 8, padding: 12, marginBottom: 8, listStyle: "none" }}>
      <strong data-testid="template-name">{template.name}</strong>
      <p style={{ margin: "4px 0", fontSize: 14 }}>{template.description}</p>
      <div style={{ fontSize: 12, color: "#777", fontFamily: "monospace" }}>{template.nodeTypes.map((type) => type.replace(/^hetumind\./, "")).join(" · ")}</div>
      {canEdit && (
        <form action={action} style={{ marginTop: 8 }}>
          <input type="hidden" name="templateId" value={template.id} />
          {template.credentials.map((need) => (
            <label key={need.type} style={{ marginRight: 12, fontSize: 14 }}>
              {need.type} for {need.nodes.join(", ")}{" "}
              <select name={`credential:${need.type}`} defaultValue={need.options[0]?.id ?? ""} data-testid={`template-credential-${need.type}`}>
                <option value="">Fill in later</option>
                {need.options.map((option) => (
                  <option key={option.id} value={option.id}>
                    {option.name}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <button type="submit" disabled={pending} data-testid="template-import">
            {pending ? "Importing…" : "Import"}
          </button>
          {state?.ok && (
            <span data-testid="template-import-ok" style={{ color: "#1b7f3b", marginLeft: 8 }}>
              {state.message}
              {state.details && <span style={{ color: "#8a5a00" }}> — {state.details.join("; ")}</span>}
            </span>
          )}
          {state && !state.ok && (
            <span role="alert" data-testid="template-import-error" style={{ color: "#b00020", marginLeft: 8 }}>
              {state.error.status} {state.error.code}: {state.error.message}
            </span>
          )}
        </form>
      )}
    </li>
  );
}

export function TemplatesSection({ templates, canEdit }: { templates: TemplateCard[]; canEdit: boolean }) {
  return (
    <section data-testid="templates" style={{ marginTop: 24 }}>
      <h2>Templates</h2>
      <ul style={{ padding: 0 }}>
        {templates.map((template) => (
          <TemplateImport key={template.id} template={template} canEdit={canEdit} />
        ))}
      </ul>
    </section>
  );
}
