/**
 * The AI tables (issue 5). Same rules as schema.ts: every user-data table carries `workspace_id`; timestamps are
 * timestamptz. drizzle-kit reads this file too (drizzle.config.ts); `lib/db/client.ts` merges it into one schema.
 */
import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { workspaces } from "./schema";

/**
 * Chat memory: one row per turn of a session (the user message, then the assistant's and tools' messages), in the AI SDK's
 * `ModelMessage` JSON. A window of the last k turns is the last k rows by `id`. `turn_id` is the agent run's thread id:
 * saving the same turn again (a replay after a crash) conflicts on the unique index and stores nothing.
 */
export const chatMemoryTurns = pgTable(
  "chat_memory_turns",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    sessionId: text("session_id").notNull(),
    turnId: text("turn_id").notNull(),
    /** `ModelMessage[]`. */
    messages: jsonb("messages").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("chat_memory_turns_turn_idx").on(table.workspaceId, table.sessionId, table.turnId),
    index("chat_memory_turns_session_idx").on(table.workspaceId, table.sessionId, table.id),
  ],
);

export type ChatMemoryTurn = typeof chatMemoryTurns.$inferSelect;
