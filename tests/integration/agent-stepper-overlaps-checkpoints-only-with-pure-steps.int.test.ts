/**
 * The agent stepper (agents/agent-stepper.ts) writes a step's checkpoint while the next step runs only when that step
 * acts inside the run (a model call, a `pure` tool). A tool that acts outside starts once every checkpoint before it is
 * stored; checkpoints are stored in order, each once the one before it is; the stepper returns only when all are stored;
 * a checkpoint that fails stops the run with its error and nothing is written after it. The model is the real provider
 * on the OpenAI fixture; the saver holds each put until the test lets it land.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { type ChannelVersions, type Checkpoint, type CheckpointMetadata, MemorySaver } from "@langchain/langgraph-checkpoint";
import { describe, expect, it } from "vitest";
import { agentSteps, buildAgentGraph } from "@/agents/agent-graph";
import { stepNewAgentThread } from "@/agents/agent-stepper";
import type { AgentTool } from "@/lib/ai/agent-tool";
import type { JsonValue } from "@/lib/workflow/items";
import { useOpenAiFixtureModel } from "../helpers/openai-fixture-model";

/** A MemorySaver whose puts land only when `land()` is called (or fail, `fail()`), logging what happens in order. */
class GatedSaver extends MemorySaver {
  readonly log: string[];
  private readonly gates: Array<{ step: number; land(): void; fail(error: Error): void }> = [];
  private waiting: Array<() => void> = [];

  constructor(log: string[]) {
    super();
    this.log = log;
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions = {}): Promise<RunnableConfig> {
    this.log.push(`put ${metadata.step} sent`);
    await new Promise<void>((land, fail) => {
      this.gates.push({ step: metadata.step, land, fail });
      for (const wake of this.waiting.splice(0)) wake();
    });
    const stored = await super.put(config, checkpoint, metadata);
    this.log.push(`put ${metadata.step} stored`);
    return stored;
  }

  /** Waits for the next put to be sent (it is held), then lets it land or fail. */
  async next(): Promise<{ step: number; land(): void; fail(error: Error): void }> {
    while (this.gates.length === 0) await new Promise<void>((wake) => this.waiting.push(wake));
    return this.gates.shift()!;
  }
}

const openai = useOpenAiFixtureModel();

function adder(log: string[], pure: boolean): AgentTool {
  return {
    name: "add",
    description: "Adds a and b",
    inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
    pure,
    async call(args: JsonValue) {
      log.push("tool called");
      const { a, b } = args as { a: number; b: number };
      return { sum: a + b };
    },
  };
}

function run(log: string[], saver: GatedSaver, pure: boolean, storeFinalCheckpoint = true, secondCallDelayMs = 0) {
  openai.fixture.reset();
  openai.fixture.script({ toolCalls: [{ id: "c1", name: "add", input: { a: 2, b: 3 } }] }, { text: "5", delayMs: secondCallDelayMs });
  const steps = agentSteps({ model: openai.model, tools: [adder(log, pure)], maxSteps: 5, toolTimeoutMs: 5_000, signal: new AbortController().signal, idempotencyPrefix: "exec:Agent" });
  const done = stepNewAgentThread(steps, { threadId: "t", checkpointer: saver, signal: new AbortController().signal, messages: [{ role: "user", content: "2 + 3?" }], storeFinalCheckpoint });
  return done.then(
    (state) => {
      log.push("returned");
      return state;
    },
    (error: unknown) => {
      log.push("threw");
      throw error;
    },
  );
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/** Until the fixture has answered the second model call (at most 5 s), and one more settle. */
async function secondCallAnswered(): Promise<void> {
  for (let waited = 0; openai.fixture.calls().completed < 2 && waited < 100; waited++) await settle();
  await settle();
}

describe("the agent stepper overlaps a checkpoint only with a step that acts inside the run", () => {
  it("runs a pure tool while the checkpoint of the model call before it is still being written; the tools step's, held a while, lands during a slow model call", async () => {
    const log: string[] = [];
    const saver = new GatedSaver(log);
    const done = run(log, saver, true, true, 400);
    const first = await saver.next();
    await settle();
    // The tool ran, and the checkpoint after it was not sent: it waits for the first one.
    expect(log).toEqual(["put 1 sent", "tool called"]);
    first.land();
    const second = await saver.next();
    expect(second.step).toBe(2);
    // The second model call is sent while the tools step's checkpoint is held.
    await settle();
    expect(openai.fixture.calls().received).toBe(2);
    second.land();
    const third = await saver.next();
    await settle();
    expect(log).not.toContain("returned");
    third.land();
    const state = await done;
    expect(state.answer).toBe("5");
    expect(log).toEqual(["put 1 sent", "tool called", "put 1 stored", "put 2 sent", "put 2 stored", "put 3 sent", "put 3 stored", "returned"]);
  });

  it("replaces a checkpoint of inside steps that still waits for its turn; LangGraph resumes from the one stored", async () => {
    const log: string[] = [];
    const saver = new GatedSaver(log);
    const done = run(log, saver, true);
    const first = await saver.next();
    // The tools step's checkpoint waits behind the first; the second model call answers meanwhile.
    await secondCallAnswered();
    first.land();
    const last = await saver.next();
    expect(last.step).toBe(3);
    last.land();
    expect((await done).answer).toBe("5");
    expect(log).toEqual(["put 1 sent", "tool called", "put 1 stored", "put 3 sent", "put 3 stored", "returned"]);
    // The stored checkpoint carries what the replaced one wrote (the tool step), and the thread is complete.
    const graph = buildAgentGraph(agentSteps({ model: openai.model, tools: [], maxSteps: 5, toolTimeoutMs: 5_000, signal: new AbortController().signal, idempotencyPrefix: "exec:Agent" }), saver);
    const snapshot = await graph.getState({ configurable: { thread_id: "t" } });
    expect(snapshot.next).toEqual([]);
    expect(snapshot.values.steps).toEqual([{ toolCallId: "c1", tool: "add", input: { a: 2, b: 3 }, ok: true, output: { sum: 5 } }]);
    expect(snapshot.values.messages.map((message: { role: string }) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    // Two checkpoints are stored, the last one's parent being the first.
    const stored = [];
    for await (const tuple of saver.list({ configurable: { thread_id: "t" } })) stored.push(tuple);
    expect(stored.map((tuple) => tuple.metadata?.step)).toEqual([3, 1]);
    expect(stored[0].parentConfig?.configurable?.checkpoint_id).toBe(stored[1].config.configurable?.checkpoint_id);
  });

  it("drops a waiting checkpoint of inside steps when the caller records the end itself", async () => {
    const log: string[] = [];
    const saver = new GatedSaver(log);
    const done = run(log, saver, true, false);
    const first = await saver.next();
    await secondCallAnswered();
    expect(log).not.toContain("returned");
    first.land();
    expect((await done).answer).toBe("5");
    expect(log).toEqual(["put 1 sent", "tool called", "put 1 stored", "returned"]);
  });

  it("starts a tool that is not pure only once the checkpoint before it is stored", async () => {
    const log: string[] = [];
    const saver = new GatedSaver(log);
    const done = run(log, saver, false);
    const first = await saver.next();
    await settle();
    expect(log).toEqual(["put 1 sent"]);
    first.land();
    (await saver.next()).land();
    (await saver.next()).land();
    expect((await done).answer).toBe("5");
    expect(log).toEqual(["put 1 sent", "put 1 stored", "tool called", "put 2 sent", "put 2 stored", "put 3 sent", "put 3 stored", "returned"]);
  });

  it("stops at a checkpoint that fails: its error, after the step in flight, and nothing is written after it", async () => {
    const log: string[] = [];
    const saver = new GatedSaver(log);
    const done = run(log, saver, true);
    const first = await saver.next();
    await settle();
    first.fail(new Error("the database is gone"));
    await expect(done).rejects.toThrow("the database is gone");
    // The pure tool and the second model call had started while the checkpoint was held; no step started after the
    // failure, and no later checkpoint was sent.
    expect(log).toEqual(["put 1 sent", "tool called", "threw"]);
    expect(openai.fixture.calls().received).toBe(2);
    expect(await saver.getTuple({ configurable: { thread_id: "t" } })).toBeUndefined();
  });
});
