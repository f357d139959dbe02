/**
 * The sub-connection contract: what a sub-node connected through each kind supplies to its consumer. Checked once, in
 * `suppliedConforms` (lib/engine/supply.ts), when the engine hands it to the consumer. See docs/ai.md.
 */
import type { AgentTool } from "@/lib/ai/agent-tool";
import type { ChatMemory } from "@/lib/ai/chat-memory";
import type { ChatModel } from "@/lib/ai/chat-model";
import type { OutputParser } from "@/lib/ai/output-parser";
import type { SubConnectionKind } from "./connection-kinds";

export interface SuppliedByKind {
  ai_languageModel: ChatModel;
  /** One tool or several (an MCP server supplies its whole tool list). */
  ai_tool: AgentTool | AgentTool[];
  ai_outputParser: OutputParser;
  ai_memory: ChatMemory;
  // Not typed yet: the RAG and nested agent kinds get their interfaces with the nodes that supply them.
  ai_vectorStore: unknown;
  ai_embedding: unknown;
  ai_document: unknown;
  ai_textSplitter: unknown;
  ai_retriever: unknown;
  ai_reranker: unknown;
  ai_chain: unknown;
  ai_agent: unknown;
}

export type Supplied<Kind extends SubConnectionKind> = SuppliedByKind[Kind];

/** Anything a sub-node may return from `supply`. */
export type SuppliedValue = SuppliedByKind[SubConnectionKind];
