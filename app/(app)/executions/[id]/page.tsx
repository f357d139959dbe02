import Link from "next/link";
import { notFound } from "next/navigation";
import { getExecution } from "@/lib/db/queries/executions";
import { nodeRunHistory } from "@/lib/engine/node-run-history";
import { requirePage } from "@/lib/ui/session";
import { StatusBadge, cell, formatTime, table } from "@/lib/ui/status-badge";

export const dynamic = "force-dynamic";

function errorText(error: unknown): string {
  if (error === null || error === undefined) return "";
  if (typeof error === "string") return error;
  const message = (error as { message?: unknown }).message;
  return typeof message === "string" ? message : JSON.stringify(error);
}

const pre = { background: "#f4f4f4", padding: 8, overflow: "auto", maxHeight: 400, fontSize: 12, margin: "4px 0" } as const;

export default async function ExecutionPage({ params }: { params: Promise<{ id: string }> }) {
  const { principal, db } = await requirePage();
  const { id } = await params;
  const execution = await getExecution(db, principal.workspaceId, id);
  if (!execution) notFound();
  const runs = await nodeRunHistory(db, principal.workspaceId, id);
  return (
    <>
      <p>
        <Link href="/executions">← Executions</Link>
      </p>
      <h1 style={{ display: "flex", gap: 12, alignItems: "center" }}>
        Execution <code style={{ fontSize: 16 }}>{execution.id}</code> <StatusBadge status={execution.status} testId="execution-status" />
      </h1>
      <p style={{ color: "#555" }}>
        Workflow {String((execution.workflowSnapshot as { name?: unknown }).name ?? execution.workflowId ?? "")} · mode {execution.mode} · created{" "}
        {formatTime(execution.createdAt)}
        {execution.finishedAt ? ` · finished ${formatTime(execution.finishedAt)}` : ""}
      </p>
      {execution.error ? (
        <p role="alert" data-testid="execution-error" style={{ color: "#b00020" }}>
          {errorText(execution.error)}
        </p>
      ) : null}
      <h2>Nodes</h2>
      {runs.length === 0 ? (
        <p data-testid="node-runs-empty">No node has run yet.</p>
      ) : (
        <table style={table} data-testid="node-runs-table">
          <thead>
            <tr>
              <th style={cell}>Node</th>
              <th style={cell}>Status</th>
              <th style={cell}>ms</th>
              <th style={cell}>Items in</th>
              <th style={cell}>Items out</th>
              <th style={cell}>Tokens</th>
              <th style={cell}>Error</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={`${run.nodeName}-${run.runIndex}-${run.attempt}`} data-testid="node-run-row" data-node={run.nodeName}>
                <td style={cell}>
                  <strong data-testid="node-run-name">{run.nodeName}</strong>
                  {run.runIndex > 0 || run.attempt > 1 ? <span style={{ color: "#777" }}> (run {run.runIndex + 1}, try {run.attempt})</span> : null}
                  <div style={{ fontSize: 12, color: "#777", fontFamily: "monospace" }}>{run.nodeType}</div>
                </td>
                <td style={cell}>
                  <StatusBadge status={run.status} testId="node-run-status" />
                </td>
                <td style={cell} data-testid="node-run-ms">
                  {run.durationMs.toFixed(1)}
                </td>
                <td style={cell} data-testid="node-run-items-in">
                  {run.itemsIn}
                </td>
                <td style={cell} data-testid="node-run-items-out">
                  {run.itemsOut}
                </td>
                <td style={cell} data-testid="node-run-tokens" title={run.usage ? run.usage.calls.map((call) => `${call.provider} ${call.model}: ${call.inputTokens} in, ${call.outputTokens} out`).join("\n") : undefined}>
                  {run.usage ? (
                    <>
                      {run.usage.totalTokens} ({run.usage.calls.length} call{run.usage.calls.length === 1 ? "" : "s"})
                      {run.usage.costUsd !== undefined ? <div style={{ fontSize: 12, color: "#777" }}>${run.usage.costUsd.toFixed(6)}</div> : null}
                    </>
                  ) : (
                    <span style={{ color: "#bbb" }}>—</span>
                  )}
                </td>
                <td style={{ ...cell, color: "#b00020" }} data-testid="node-run-error">
                  {errorText(run.error)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Node output</h2>
      {runs.map((run) => (
        <details key={`${run.nodeName}-${run.runIndex}-${run.attempt}`} data-testid="node-output" data-node={run.nodeName} style={{ marginBottom: 8 }}>
          <summary>
            {run.nodeName}
            {run.runIndex > 0 ? ` (run ${run.runIndex + 1})` : ""} — {run.itemsOut} item{run.itemsOut === 1 ? "" : "s"} out
          </summary>
          <pre style={pre} data-testid="node-output-json">
            {JSON.stringify(run.output, null, 2)}
          </pre>
        </details>
      ))}
      {execution.output !== null && execution.output !== undefined ? (
        <>
          <h2>Execution output</h2>
          <pre style={pre} data-testid="execution-output">
            {JSON.stringify(execution.output, null, 2)}
          </pre>
        </>
      ) : null}
    </>
  );
}
