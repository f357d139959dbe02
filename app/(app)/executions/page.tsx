import Link from "next/link";
import { listExecutions } from "@/lib/db/queries/executions";
import { listWorkflows } from "@/lib/db/queries/workflows";
import { EXECUTION_STATUSES, type ExecutionStatus } from "@/lib/db/schema";
import { requirePage } from "@/lib/ui/session";
import { StatusBadge, cell, formatTime, table } from "@/lib/ui/status-badge";

export const dynamic = "force-dynamic";

function durationMs(startedAt: Date | null, finishedAt: Date | null): string {
  return startedAt && finishedAt ? `${new Date(finishedAt).getTime() - new Date(startedAt).getTime()} ms` : "";
}

export default async function ExecutionsPage({ searchParams }: { searchParams: Promise<{ status?: string; workflowId?: string }> }) {
  const { principal, db } = await requirePage();
  const params = await searchParams;
  const status = EXECUTION_STATUSES.includes(params.status as ExecutionStatus) ? (params.status as ExecutionStatus) : undefined;
  const workflowId = params.workflowId || undefined;
  const [rows, workflows] = await Promise.all([
    listExecutions(db, principal.workspaceId, { status, workflowId, limit: 100 }),
    listWorkflows(db, principal.workspaceId, { limit: 500 }),
  ]);
  const names = new Map(workflows.map((workflow) => [workflow.id, workflow.name]));
  const href = (next: string | undefined) => {
    const query = new URLSearchParams();
    if (next) query.set("status", next);
    if (workflowId) query.set("workflowId", workflowId);
    const text = query.toString();
    return text ? `/executions?${text}` : "/executions";
  };
  const chip = (active: boolean) =>
    ({ padding: "3px 10px", borderRadius: 12, border: "1px solid #ccc", textDecoration: "none", color: active ? "#fff" : "#333", background: active ? "#333" : "#fff" }) as const;
  return (
    <>
      <h1>Executions{workflowId ? ` of ${names.get(workflowId) ?? workflowId}` : ""}</h1>
      <nav style={{ display: "flex", gap: 8, marginBottom: 12, flexWrap: "wrap" }} data-testid="status-chips">
        <Link href={href(undefined)} style={chip(!status)} data-testid="chip-all">
          all
        </Link>
        {EXECUTION_STATUSES.map((value) => (
          <Link key={value} href={href(value)} style={chip(status === value)} data-testid={`chip-${value}`} aria-current={status === value ? "true" : undefined}>
            {value}
          </Link>
        ))}
        {workflowId && (
          <Link href={status ? `/executions?status=${status}` : "/executions"} style={{ marginLeft: 8 }}>
            every workflow
          </Link>
        )}
      </nav>
      {rows.length === 0 ? (
        <p data-testid="executions-empty">No executions{status ? ` with status ${status}` : ""}.</p>
      ) : (
        <table style={table} data-testid="executions-table">
          <thead>
            <tr>
              <th style={cell}>Execution</th>
              <th style={cell}>Workflow</th>
              <th style={cell}>Status</th>
              <th style={cell}>Mode</th>
              <th style={cell}>Started</th>
              <th style={cell}>Duration</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-testid="execution-row" data-execution-id={row.id}>
                <td style={cell}>
                  <Link href={`/executions/${row.id}`} style={{ fontFamily: "monospace" }} data-testid="execution-link">
                    {row.id.slice(0, 8)}
                  </Link>
                </td>
                <td style={cell}>{row.workflowId ? (names.get(row.workflowId) ?? row.workflowId) : <em>(from a file)</em>}</td>
                <td style={cell}>
                  <StatusBadge status={row.status} />
                </td>
                <td style={cell}>{row.mode}</td>
                <td style={cell}>{formatTime(row.startedAt ?? row.createdAt)}</td>
                <td style={cell}>{durationMs(row.startedAt, row.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
