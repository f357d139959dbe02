/**
 * Postgres Chat Memory: a `ChatMemory` over the `chat_memory_turns` table, for one workspace and one session, loading a
 * window of the last k turns. Messages are stored as the agent has them (AI SDK `ModelMessage` JSON) and loaded back as is.
 */
import type { ModelMessage } from "ai";
import { sql } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { chatTurnInsert, clearChatSession, loadChatTurns } from "@/lib/db/queries/chat-memory";
import type { ExecutionWrite } from "@/lib/workflow/node-definition";
import type { ChatMemory } from "./chat-memory";

export interface PostgresChatMemoryOptions {
  db: Database;
  workspaceId: string;
  sessionId: string;
  /** How many past turns `load()` returns (n8n's contextWindowLength); undefined for all. */
  windowTurns?: number;
}

export class PostgresChatMemory implements ChatMemory {
  constructor(private readonly options: PostgresChatMemoryOptions) {}

  get sessionId(): string {
    return this.options.sessionId;
  }

  async load(): Promise<ModelMessage[]> {
    const { db, workspaceId, sessionId, windowTurns } = this.options;
    const turns = await loadChatTurns(db, workspaceId, sessionId, windowTurns);
    return turns.flatMap((turn) => turn.messages as ModelMessage[]);
  }

  async save(turn: { turnId: string; messages: ModelMessage[] }): Promise<void> {
    await this.options.db.execute(this.saveWrite(turn)(sql`true`));
  }

  saveWrite(turn: { turnId: string; messages: ModelMessage[] }): ExecutionWrite {
    const { workspaceId, sessionId } = this.options;
    // JSON text now: the statement may be built later, and class instances in the messages (URL, Uint8Array) become
    // the JSON jsonb can take.
    const messagesJson = JSON.stringify(turn.messages);
    return (condition) => chatTurnInsert({ workspaceId, sessionId, turnId: turn.turnId, messagesJson }, condition);
  }

  /** Forgets the whole session (the "clear session" operation). */
  clear(): Promise<number> {
    const { db, workspaceId, sessionId } = this.options;
    return clearChatSession(db, workspaceId, sessionId);
  }
}

/** The "clear session" operation outside a workflow (the API route, the CLI). */
export function clearChatMemorySession(db: Database, workspaceId: string, sessionId: string): Promise<number> {
  return clearChatSession(db, workspaceId, sessionId);
}
