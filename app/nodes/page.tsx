import { nodeCatalog } from "@/lib/engine/node-catalog";

export const dynamic = "force-dynamic";

export default function NodesPage() {
  const groups = nodeCatalog();
  return (
    <main style={{ maxWidth: 960, margin: "0 auto", padding: "32px 24px" }}>
      <h1 style={{ marginBottom: 4 }}>Hetumind</h1>
      <p style={{ marginTop: 0, color: "#555" }}>
        Workflows with AI agents, run durably. The nodes a workflow can use. <a href="/workflows">Your workflows</a>.
      </p>
      <h2>Node catalog</h2>
      {groups.map((group) => (
        <section key={group.group} data-testid={`node-group-${group.group}`}>
          <h3 style={{ textTransform: "capitalize" }}>{group.group}</h3>
          <ul style={{ listStyle: "none", padding: 0, display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(280px, 1fr))", gap: 12 }}>
            {group.nodes.map((node) => (
              <li key={node.type} data-testid="node-card" style={{ background: "#fff", border: "1px solid #e5e5e5", borderRadius: 8, padding: 12 }}>
                <strong>{node.displayName}</strong>
                <div style={{ fontSize: 12, color: "#777", fontFamily: "monospace" }}>{node.type}</div>
                <p style={{ fontSize: 14, marginBottom: 0 }}>{node.description}</p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </main>
  );
}
