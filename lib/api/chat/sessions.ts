/**
 * `/api/v1/chat-sessions?sessionId=...`: a chat memory session of the caller's workspace — its history (GET) and the
 * "clear session" operation (DELETE). Sessions are per workspace (docs/ai.md, Memory).
 */
import { z } from "zod";
import { clearChatMemorySession } from "@/lib/ai/postgres-chat-memory";
import type { Database } from "@/lib/db/client";
import { loadChatTurns } from "@/lib/db/queries/chat-memory";
import type { RouteSpec } from "../spec";

export const chatSessionQuerySchema = z.object({ sessionId: z.string().trim().min(1).max(512) }).strict();

const turnSchema = z.object({ turnId: z.string(), createdAt: z.string(), messages: z.array(z.unknown()).describe("AI SDK ModelMessage JSON") });
export const chatSessionHistorySchema = z.object({ sessionId: z.string(), turns: z.array(turnSchema) });
export const clearedChatSessionSchema = z.object({ sessionId: z.string(), deletedTurns: z.number().int() });

export type ChatSessionHistory = z.infer<typeof chatSessionHistorySchema>;

export async function chatSessionHistory(db: Database, workspaceId: string, sessionId: string): Promise<ChatSessionHistory> {
  const turns = await loadChatTurns(db, workspaceId, sessionId);
  return { sessionId, turns: turns.map((turn) => ({ turnId: turn.turnId, createdAt: turn.createdAt.toISOString(), messages: turn.messages })) };
}

export async function clearChatSessionHandler(db: Database, workspaceId: string, sessionId: string): Promise<z.infer<typeof clearedChatSessionSchema>> {
  return { sessionId, deletedTurns: await clearChatMemorySession(db, workspaceId, sessionId) };
}

const tag = "Chat";

export const chatSessionSpecs: RouteSpec[] = [
  { method: "get", path: "/api/v1/chat-sessions", summary: "A chat memory session's turns, oldest first", tag, role: "viewer", query: chatSessionQuerySchema, response: chatSessionHistorySchema },
  { method: "delete", path: "/api/v1/chat-sessions", summary: "Clear a chat memory session (every turn of it)", tag, role: "editor", query: chatSessionQuerySchema, response: clearedChatSessionSchema },
];
