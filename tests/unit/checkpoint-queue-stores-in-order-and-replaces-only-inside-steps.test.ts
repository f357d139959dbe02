/**
 * The agent stepper's CheckpointQueue (agents/checkpoint-queue.ts): one put at a time, in order; a waiting checkpoint
 * of inside steps is replaced by the next (keeping its parent, with the channels of both); a sealed one (a step that
 * acted outside the run) is never replaced nor dropped; a checkpoint of pure tools is held a while for the next; a
 * failure stops everything after it.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { type ChannelVersions, type Checkpoint, type CheckpointMetadata, MemorySaver } from "@langchain/langgraph-checkpoint";
import { describe, expect, it } from "vitest";
import { CheckpointQueue, LINGER_MS, type QueuedCheckpoint } from "@/agents/checkpoint-queue";

/** Records each put (its step, parent and new versions) and holds it until released. */
class HeldSaver extends MemorySaver {
  readonly puts: Array<{ step: number; parent: string; newVersions: ChannelVersions }> = [];
  readonly releases: Array<(error?: Error) => void> = [];

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions = {}): Promise<RunnableConfig> {
    this.puts.push({ step: metadata.step, parent: String(config.configurable?.checkpoint_id), newVersions });
    await new Promise<void>((resolve, reject) => this.releases.push((error) => (error ? reject(error) : resolve())));
    return super.put(config, checkpoint, metadata);
  }
}

function entry(step: number, newVersions: ChannelVersions, sealed = false): QueuedCheckpoint {
  return {
    config: { configurable: { thread_id: "t", checkpoint_ns: "", checkpoint_id: `parent-of-${step}` } },
    checkpoint: { v: 4, id: `cp-${step}`, ts: new Date().toISOString(), channel_values: {}, channel_versions: newVersions, versions_seen: {} },
    metadata: { source: "loop", step, parents: {} },
    newVersions,
    sealed,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("CheckpointQueue", () => {
  it("puts one at a time, in order, and replaces a waiting checkpoint of inside steps by the next", async () => {
    const saver = new HeldSaver();
    const queue = new CheckpointQueue(saver);
    queue.add(entry(1, { messages: 1 }));
    queue.add(entry(2, { steps: 2, messages: 2 }));
    queue.add(entry(3, { messages: 3, answer: 3 }));
    expect(saver.puts.map((put) => put.step)).toEqual([1]);
    let settled = false;
    const done = queue.settled().then(() => (settled = true));
    saver.releases[0]();
    await tick();
    // Step 3 replaced step 2: step 2's parent, the channels of both, the newer version where both wrote.
    expect(saver.puts.map((put) => put.step)).toEqual([1, 3]);
    expect(saver.puts[1]).toEqual({ step: 3, parent: "parent-of-2", newVersions: { steps: 2, messages: 3, answer: 3 } });
    expect(settled).toBe(false);
    saver.releases[1]();
    await done;
    expect(settled).toBe(true);
  });

  it("never replaces nor drops a sealed checkpoint", async () => {
    const saver = new HeldSaver();
    const queue = new CheckpointQueue(saver);
    queue.add(entry(1, { messages: 1 }));
    queue.add(entry(2, { steps: 2 }, true));
    queue.add(entry(3, { messages: 3 }));
    queue.add(entry(4, { answer: 4 }));
    const done = queue.dropWaiting();
    for (let index = 0; index < 3; index++) {
      saver.releases[index]?.();
      await tick();
    }
    await done;
    // 2 is stored as it is; 4 replaced 3, and the drop took the waiting 3+4 only.
    expect(saver.puts.map((put) => put.step)).toEqual([1, 2]);
  });

  it("holds a checkpoint of pure tools: replaced by the next, dropped, sent by settled() or after LINGER_MS", async () => {
    const saver = new HeldSaver();
    const queue = new CheckpointQueue(saver);
    queue.add({ ...entry(1, { steps: 1 }), lingers: true });
    await tick();
    expect(saver.puts).toEqual([]);
    // The next step's checkpoint replaces it and goes at once.
    queue.add(entry(2, { messages: 2 }));
    expect(saver.puts).toEqual([{ step: 2, parent: "parent-of-1", newVersions: { steps: 1, messages: 2 } }]);
    saver.releases[0]();
    await queue.settled();

    queue.add({ ...entry(3, { steps: 3 }), lingers: true });
    await queue.dropWaiting();
    expect(saver.puts.map((put) => put.step)).toEqual([2]);

    queue.add({ ...entry(4, { steps: 4 }), lingers: true });
    const settled = queue.settled();
    expect(saver.puts.map((put) => put.step)).toEqual([2, 4]);
    saver.releases[1]();
    await settled;

    const started = performance.now();
    queue.add({ ...entry(5, { steps: 5 }), lingers: true });
    while (saver.puts.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(performance.now() - started).toBeGreaterThanOrEqual(LINGER_MS - 5);
    expect(saver.puts.at(-1)?.step).toBe(5);
    saver.releases[2]();
    await queue.settled();
  });

  it("stops at a failed put: its error, nothing stored after it, nothing added later is stored", async () => {
    const saver = new HeldSaver();
    const queue = new CheckpointQueue(saver);
    queue.add(entry(1, { messages: 1 }));
    queue.add(entry(2, { steps: 2 }, true));
    saver.releases[0](new Error("the database is gone"));
    await expect(queue.settled()).rejects.toThrow("the database is gone");
    expect(queue.failed?.error).toBeInstanceOf(Error);
    queue.add(entry(3, { messages: 3 }));
    await expect(queue.settled()).rejects.toThrow("the database is gone");
    expect(saver.puts.map((put) => put.step)).toEqual([1]);
  });
});
