/** The thirteen connection kinds of a workflow (ARCHITECTURE section 3). */
export const CONNECTION_KINDS = [
  "main",
  "ai_languageModel",
  "ai_tool",
  "ai_memory",
  "ai_vectorStore",
  "ai_embedding",
  "ai_document",
  "ai_textSplitter",
  "ai_retriever",
  "ai_reranker",
  "ai_outputParser",
  "ai_chain",
  "ai_agent",
] as const;

export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

/** Sub-connection kinds: the source *supplies* an object to its consumer; they never carry items. */
export type SubConnectionKind = Exclude<ConnectionKind, "main">;

export function isConnectionKind(value: string): value is ConnectionKind {
  return (CONNECTION_KINDS as readonly string[]).includes(value);
}
