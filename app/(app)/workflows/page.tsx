import Link from "next/link";
import { hasRole } from "@/lib/auth/roles";
import { listCredentials } from "@/lib/db/queries/credentials";
import { listExecutions } from "@/lib/db/queries/executions";
import { listWorkflows } from "@/lib/db/queries/workflows";
import { listTemplates } from "@/lib/templates";
import { requirePage } from "@/lib/ui/session";
import { StatusBadge, cell, formatTime, table } from "@/lib/ui/status-badge";
import { CHAT_TRIGGER_NODE_TYPE } from "@/nodes/chat-trigger/definition";
import { TemplatesSection, type TemplateCard } from "./templates-section";
import { ActiveToggle, ImportForm } from "./workflow-controls";

export const dynamic = "force-dynamic";

/** Whether the workflow has an enabled Chat Trigger: its row then links to the hosted chat page. */
function hasChat(definition: Record<string, unknown>): boolean {
  const nodes = Array.isArray(definition.nodes) ? (definition.nodes as Array<{ type?: unknown; disabled?: unknown }>) : [];
  return nodes.some((node) => node?.type === CHAT_TRIGGER_NODE_TYPE && node.disabled !== true);
}

export default async function WorkflowsPage() {
  const { principal, db } = await requirePage();
  const canEdit = hasRole(principal.role, "editor");
  const rows = await listWorkflows(db, principal.workspaceId, { limit: 200 });
  const credentials = canEdit ? await listCredentials(db, principal.workspaceId) : [];
  const templates: TemplateCard[] = listTemplates().map((template) => ({
    ...template,
    credentials: template.credentials.map((need) => ({
      ...need,
      options: credentials.filter((credential) => credential.type === need.type).map((credential) => ({ id: credential.id, name: credential.name })),
    })),
  }));
  const lastRuns = await Promise.all(rows.map(async (row) => (await listExecutions(db, principal.workspaceId, { workflowId: row.id, limit: 1 }))[0]));
  return (
    <>
      <h1>Workflows</h1>
      {canEdit && <ImportForm />}
      {rows.length === 0 ? (
        <p data-testid="workflows-empty">No workflows yet: import one from a JSON file (ours or an n8n export), or start from a template below.</p>
      ) : (
        <table style={table} data-testid="workflows-table">
          <thead>
            <tr>
              <th style={cell}>Name</th>
              <th style={cell}>Active</th>
              <th style={cell}>Last run</th>
              <th style={cell}>Updated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const last = lastRuns[index];
              return (
                <tr key={row.id} data-testid="workflow-row" data-workflow-id={row.id}>
                  <td style={cell}>
                    <strong data-testid="workflow-name">{row.name}</strong>
                    <div style={{ fontSize: 12, color: "#777", fontFamily: "monospace" }}>{row.id}</div>
                    {hasChat(row.definition) && (
                      <Link href={`/chat/${encodeURIComponent(row.id)}`} data-testid="open-chat" style={{ fontSize: 12 }}>
                        Open chat
                      </Link>
                    )}
                  </td>
                  <td style={cell}>
                    <ActiveToggle workflowId={row.id} active={row.active} disabled={!canEdit} />
                  </td>
                  <td style={cell} data-testid="last-run">
                    {last ? (
                      <Link href={`/executions/${last.id}`}>
                        <StatusBadge status={last.status} testId="last-run-status" /> {formatTime(last.createdAt)}
                      </Link>
                    ) : (
                      <span style={{ color: "#777" }}>never</span>
                    )}{" "}
                    <Link href={`/executions?workflowId=${encodeURIComponent(row.id)}`} style={{ fontSize: 12 }}>
                      all runs
                    </Link>
                  </td>
                  <td style={cell}>{formatTime(row.updatedAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <TemplatesSection templates={templates} canEdit={canEdit} />
    </>
  );
}
