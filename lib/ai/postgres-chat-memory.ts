/**
 * Postgres Chat Memory: a `ChatMemory` over the `chat_memory_turns` table, for one workspace and one session, loading a
 * window of the last k turns. Messages are stored as the agent has them (AI SDK `ModelMessage` JSON) and loaded back as is.
 */
import type { ModelMessage } from "ai";
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { chatTurnInsert, clearChatSession, loadChatTurns } from "@/lib/db/queries/chat-memory";
import type { ExecutionWrite } from "@/lib/workflow/node-definition";
import type { ChatMemory, ChatTurn } from "./chat-memory";
import { sessionChanged, turnStored, windowOf } from "./chat-memory-window-cache";

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
    // On the embedded database the window is kept in memory (chat-memory-window-cache.ts).
    const turns = await windowOf(db, { workspaceId, sessionId }, windowTurns, () => loadChatTurns(db, workspaceId, sessionId, windowTurns));
    return turns.flatMap((turn) => turn.messages as ModelMessage[]);
  }

  async save(turn: ChatTurn): Promise<void> {
    const write = this.saveWrite(turn);
    await this.options.db.execute(write(sql`true`));
    write.committed();
  }

  saveWrite(turn: ChatTurn): ExecutionWrite & { committed(): void } {
    const { db, workspaceId, sessionId } = this.options;
    // JSON text now: the statement may be built later, and class instances in the messages (URL, Uint8Array) become
    // the JSON jsonb can take (and what the kept window holds is what a read would give back).
    const messagesJson = JSON.stringify(turn.messages);
    const session = { workspaceId, sessionId };
    const write = (condition: SQL) => chatTurnInsert({ workspaceId, sessionId, turnId: turn.turnId, messagesJson }, condition);
    // A turn that an earlier try may have stored could be older than the kept window: the window is read again then.
    const committed = turn.firstTry
      ? () => turnStored(db, session, { turnId: turn.turnId, messages: JSON.parse(messagesJson) as unknown[] })
      : () => sessionChanged(db, session);
    return Object.assign(write, { committed });
  }

  /** Forgets the whole session (the "clear session" operation). */
  clear(): Promise<number> {
    const { db, workspaceId, sessionId } = this.options;
    return clearChatMemorySession(db, workspaceId, sessionId);
  }
}

/** The "clear session" operation outside a workflow (the API route, the CLI). */
export async function clearChatMemorySession(db: Database, workspaceId: string, sessionId: string): Promise<number> {
  try {
    return await clearChatSession(db, workspaceId, sessionId);
  } finally {
    // Also when the delete failed: whether it took effect is unknown.
    sessionChanged(db, { workspaceId, sessionId });
  }
}
