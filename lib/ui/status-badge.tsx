/** A coloured execution / node status label. */
const COLORS: Record<string, string> = {
  succeeded: "#1b7f3b",
  failed: "#b00020",
  cancelled: "#777",
  running: "#0b5cad",
  queued: "#8a6d00",
  waiting: "#8a6d00",
};

export function StatusBadge({ status, testId = "status" }: { status: string; testId?: string }) {
  return (
    <span data-testid={testId} data-status={status} style={{ color: "#fff", background: COLORS[status] ?? "#555", borderRadius: 10, padding: "1px 8px", fontSize: 12 }}>
      {status}
    </span>
  );
}

export const cell = { padding: "6px 10px", borderBottom: "1px solid #eee", textAlign: "left", verticalAlign: "top" } as const;
export const table = { borderCollapse: "collapse", width: "100%", background: "#fff", border: "1px solid #e5e5e5" } as const;

export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return "";
  return new Date(value).toISOString().replace("T", " ").slice(0, 19);
}
