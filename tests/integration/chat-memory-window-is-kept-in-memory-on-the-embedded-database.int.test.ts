/**
 * On the embedded database this process is the only writer, so a chat session's window is kept in memory
 * (lib/ai/chat-memory-window-cache.ts): a turn stored by this process is in the next window without a read; a turn
 * that an earlier try may have stored, and a cleared session, make the window be read again. On Postgres (several
 * servers may write a session) every window is read: a turn written by another client is seen at once.
 */
import type { ModelMessage } from "ai";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearChatMemorySession, PostgresChatMemory } from "@/lib/ai/postgres-chat-memory";
import { chatTurnInsert } from "@/lib/db/queries/chat-memory";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const turn = (id: string, text: string, firstTry = true) => ({
  turnId: id,
  messages: [{ role: "user", content: text } as ModelMessage, { role: "assistant", content: `re: ${text}` } as ModelMessage],
  firstTry,
});
const texts = (messages: ModelMessage[]) => messages.filter((message) => message.role === "user").map((message) => message.content);

describe("the chat memory window on the embedded database", () => {
  let database: TestDatabase;
  let reads = 0;
  beforeAll(async () => {
    database = await createTestDatabase({ driver: "pglite" });
    // drizzle's client (`$client`: PGlite's query with named prepared statements, lib/db/client.ts) runs every read.
    const client = (database.db as unknown as { $client: { query: (text: string, ...rest: unknown[]) => Promise<unknown> } }).$client;
    const query = client.query.bind(client);
    client.query = (text, ...rest) => {
      if (/^select .* from "chat_memory_turns"/.test(text)) reads += 1;
      return query(text, ...rest);
    };
  });
  afterAll(async () => {
    await database?.close();
  });
  const memory = (sessionId: string, windowTurns?: number) => new PostgresChatMemory({ db: database.db, workspaceId: DEFAULT_WORKSPACE_ID, sessionId, windowTurns });

  it("is read once, then follows the turns this process stores, for every window size", async () => {
    const small = memory("kept", 2);
    expect(await small.load()).toEqual([]);
    expect(reads).toBe(1);
    await small.save(turn("t1", "one"));
    await small.save(turn("t2", "two"));
    // Stored in the execution's end: the window follows once the statement committed.
    const write = small.saveWrite(turn("t3", "three"));
    await database.db.execute(write(sql`true`));
    write.committed();
    expect(texts(await small.load())).toEqual(["two", "three"]);
    expect(texts(await memory("kept", 5).load())).toEqual(["one", "two", "three"]);
    expect(texts(await memory("kept").load())).toEqual(["one", "two", "three"]);
    expect(reads).toBe(1);
  });

  it("leaves out a turn whose statement did not take effect", async () => {
    const window = memory("refused", 5);
    await window.load();
    const write = window.saveWrite(turn("r1", "refused"));
    // The execution did not move: the end's CTE wrote nothing, and committed() is not called.
    await database.db.execute(write(sql`false`));
    expect(await window.load()).toEqual([]);
  });

  it("reads the window again after a turn an earlier try may have stored, and after the session is cleared", async () => {
    const window = memory("again", 5);
    await window.save(turn("a1", "first"));
    await window.load();
    const before = reads;
    await window.save(turn("a2", "retried", false));
    expect(texts(await window.load())).toEqual(["first", "retried"]);
    expect(reads).toBe(before + 1);
    expect(await clearChatMemorySession(database.db, DEFAULT_WORKSPACE_ID, "again")).toBe(2);
    expect(await window.load()).toEqual([]);
    expect(reads).toBe(before + 2);
  });

  it("keeps sessions and workspaces apart", async () => {
    await memory("apart-1", 5).save(turn("p1", "mine"));
    expect(await memory("apart-2", 5).load()).toEqual([]);
    const other = new PostgresChatMemory({ db: database.db, workspaceId: "ws-none", sessionId: "apart-1", windowTurns: 5 });
    expect(await other.load()).toEqual([]);
    expect(texts(await memory("apart-1", 5).load())).toEqual(["mine"]);
  });
});

describe("the chat memory window on Postgres", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ driver: "postgres" });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("is read every time: a turn another server wrote is seen at once", async () => {
    const window = new PostgresChatMemory({ db: database.db, workspaceId: DEFAULT_WORKSPACE_ID, sessionId: "shared", windowTurns: 5 });
    await window.save(turn("s1", "from here"));
    expect(texts(await window.load())).toEqual(["from here"]);
    // Another server's write, which this process is not told about.
    await database.db.execute(chatTurnInsert({ workspaceId: DEFAULT_WORKSPACE_ID, sessionId: "shared", turnId: "s2", messagesJson: JSON.stringify(turn("s2", "from there").messages) }, sql`true`));
    expect(texts(await window.load())).toEqual(["from here", "from there"]);
  });
});
