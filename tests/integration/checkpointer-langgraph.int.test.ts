/**
 * DrizzleCheckpointSaver under real LangGraph graphs, on both drivers: every durability mode, an interrupt resumed by
 * a new saver instance (as after a restart), Send fan-out, and pruneThread on finished and paused threads.
 */
import { randomUUID } from "node:crypto";
import { Annotation, Command, END, Send, START, StateGraph, interrupt } from "@langchain/langgraph";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../lib/db/client";
import { DrizzleCheckpointSaver } from "../../lib/engine/checkpointer";
import { TEST_DATABASE_DRIVERS, type TestDatabase, createTestDatabase } from "../helpers/db";

const State = Annotation.Root({
  log: Annotation<string[]>({ reducer: (left, right) => left.concat(right), default: () => [] }),
});

function reviewGraph(saver: DrizzleCheckpointSaver) {
  return new StateGraph(State)
    .addNode("first", () => ({ log: ["first"] }))
    .addNode("review", () => {
      const answer = interrupt<{ question: string }, string>({ question: "send it?" });
      return { log: [`review:${answer}`] };
    })
    .addNode("last", () => ({ log: ["last"] }))
    .addEdge(START, "first")
    .addEdge("first", "review")
    .addEdge("review", "last")
    .addEdge("last", END)
    .compile({ checkpointer: saver });
}

function fanOutGraph(saver: DrizzleCheckpointSaver) {
  return new StateGraph(State)
    .addNode("split", () => ({ log: ["split"] }))
    .addNode("worker", (input: { item: string }) => ({ log: [`worker:${input.item}`] }))
    .addEdge(START, "split")
    .addConditionalEdges("split", () => ["a", "b", "c"].map((item) => new Send("worker", { item })))
    .addEdge("worker", END)
    .compile({ checkpointer: saver });
}

describe.each(TEST_DATABASE_DRIVERS)("DrizzleCheckpointSaver with LangGraph on %s", (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ driver });
  });
  afterAll(async () => {
    await database?.close();
  });

  const count = async (table: "checkpoints" | "checkpoint_blobs" | "checkpoint_writes", threadId: string) =>
    Number(
      (await queryRows<{ count: number | string }>(database.db, sql`select count(*) as count from ${sql.identifier(table)} where thread_id = ${threadId}`))[0]
        .count,
    );

  it.each(["sync", "async", "exit"] as const)("pauses at an interrupt and resumes in a new saver (durability %s)", async (durability) => {
    const threadId = randomUUID();
    const config = { configurable: { thread_id: threadId }, durability };
    const paused = await reviewGraph(new DrizzleCheckpointSaver(database.db)).invoke({ log: ["start"] }, config);
    expect(paused.log).toEqual(["start", "first"]);
    const interrupts = (paused as { __interrupt__?: Array<{ value: unknown }> }).__interrupt__;
    expect(interrupts?.[0]?.value).toEqual({ question: "send it?" });

    const restarted = reviewGraph(new DrizzleCheckpointSaver(database.db));
    const state = await restarted.getState({ configurable: { thread_id: threadId } });
    expect(state.next).toEqual(["review"]);
    expect(state.values.log).toEqual(["start", "first"]);

    const done = await restarted.invoke(new Command({ resume: "yes" }), config);
    expect(done.log).toEqual(["start", "first", "review:yes", "last"]);
    expect((await restarted.getState({ configurable: { thread_id: threadId } })).next).toEqual([]);
  });

  it("runs Send fan-out (task writes) and replays it from the checkpoint", async () => {
    const threadId = randomUUID();
    const graph = fanOutGraph(new DrizzleCheckpointSaver(database.db));
    const result = await graph.invoke({ log: [] }, { configurable: { thread_id: threadId }, durability: "sync" });
    expect(result.log.slice(0, 1)).toEqual(["split"]);
    expect(result.log.slice(1).sort()).toEqual(["worker:a", "worker:b", "worker:c"]);
    const state = await fanOutGraph(new DrizzleCheckpointSaver(database.db)).getState({ configurable: { thread_id: threadId } });
    expect(state.values.log).toEqual(result.log);
  });

  it("pruneThread keeps only the latest checkpoint of a finished thread, and its state", async () => {
    const threadId = randomUUID();
    const saver = new DrizzleCheckpointSaver(database.db);
    const graph = reviewGraph(saver);
    const config = { configurable: { thread_id: threadId }, durability: "sync" as const };
    await graph.invoke({ log: ["start"] }, config);
    const finished = await graph.invoke(new Command({ resume: "ok" }), config);
    const history = [];
    for await (const snapshot of graph.getStateHistory({ configurable: { thread_id: threadId } })) history.push(snapshot);
    expect(history.length).toBeGreaterThan(2);

    const removed = await saver.pruneThread(threadId);
    expect(removed.checkpoints).toBe(history.length - 1);
    expect(await count("checkpoints", threadId)).toBe(1);
    const state = await graph.getState({ configurable: { thread_id: threadId } });
    expect(state.values.log).toEqual(finished.log);
    expect(state.next).toEqual([]);
    expect(await saver.pruneThread(threadId)).toEqual({ checkpoints: 0, writes: 0, blobs: 0 });

    await saver.deleteThread(threadId);
    expect(await count("checkpoints", threadId)).toBe(0);
    expect(await count("checkpoint_blobs", threadId)).toBe(0);
    expect(await count("checkpoint_writes", threadId)).toBe(0);
  });

  it("a thread pruned while paused at an interrupt still resumes", async () => {
    const threadId = randomUUID();
    const config = { configurable: { thread_id: threadId }, durability: "sync" as const };
    const saver = new DrizzleCheckpointSaver(database.db);
    await reviewGraph(saver).invoke({ log: ["start"] }, config);
    await saver.pruneThread(threadId);
    expect(await count("checkpoints", threadId)).toBe(1);
    const done = await reviewGraph(new DrizzleCheckpointSaver(database.db)).invoke(new Command({ resume: "later" }), config);
    expect(done.log).toEqual(["start", "first", "review:later", "last"]);
  });
});
