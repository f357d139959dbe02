/** Tells an n8n export from our own JSON: n8n's node types carry n8n's package prefixes; ours are `hetumind.*`. */

export const N8N_TYPE_PREFIXES = ["n8n-nodes-base.", "@n8n/n8n-nodes-langchain.", "n8n-nodes-langchain.", "@n8n/"] as const;

export function isN8nType(type: unknown): boolean {
  return typeof type === "string" && N8N_TYPE_PREFIXES.some((prefix) => type.startsWith(prefix));
}

/** A document is n8n's when at least one of its nodes has an n8n type. */
export function isN8nWorkflow(document: unknown): boolean {
  if (document === null || typeof document !== "object" || Array.isArray(document)) return false;
  const nodes = (document as { nodes?: unknown }).nodes;
  return Array.isArray(nodes) && nodes.some((node) => node !== null && typeof node === "object" && isN8nType((node as { type?: unknown }).type));
}

/** `n8n-nodes-base.set` -> `set`; `@n8n/n8n-nodes-langchain.agent` -> `agent`. */
export function shortType(type: string): string {
  const dot = type.lastIndexOf(".");
  return dot === -1 ? type : type.slice(dot + 1);
}
