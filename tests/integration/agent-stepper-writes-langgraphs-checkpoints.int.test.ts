/**
 * A new agent thread is stepped outside LangGraph (agents/agent-stepper.ts) and must store exactly the checkpoints
 * LangGraph stores for the agent's graph (agents/agent-graph.ts): LangGraph resumes a stopped run from them. Each
 * scenario runs twice against the same scripted model, once through LangGraph and once through the stepper, and the
 * stored checkpoints (values, versions, versions seen, metadata, the channels each put stores) are compared.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { type ChannelVersions, type Checkpoint, type CheckpointMetadata, MemorySaver } from "@langchain/langgraph-checkpoint";
import { describe, expect, it } from "vitest";
import { agentSteps, buildAgentGraph, type AgentGraphOptions } from "@/agents/agent-graph";
import { stepNewAgentThread } from "@/agents/agent-stepper";
import { runAgent } from "@/agents/run-agent";
import type { AgentTool } from "@/lib/ai/agent-tool";
import type { OutputParser } from "@/lib/ai/output-parser";
import type { JsonValue } from "@/lib/workflow/items";
import type { ScriptedReply } from "../fixtures/model-fixture-core";
import { useOpenAiFixtureModel } from "../helpers/openai-fixture-model";

interface StoredPut {
  /** The step of the parent checkpoint. */
  parent: number | "not stored" | null;
  checkpoint: Omit<Checkpoint, "id" | "ts">;
  metadata: CheckpointMetadata;
  newVersions: ChannelVersions;
}

/** A MemorySaver that remembers every put (ids and times left out: they differ by nature). */
class RecordingSaver extends MemorySaver {
  readonly puts: StoredPut[] = [];
  private readonly steps = new Map<string, number>();

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions = {}): Promise<RunnableConfig> {
    const { id, ts, ...rest } = structuredClone(checkpoint);
    expect(Number.isNaN(Date.parse(ts))).toBe(false);
    const parentId = config.configurable?.checkpoint_id as string | undefined;
    this.steps.set(id, metadata.step);
    // The parent by its step (a checkpoint this saver was not given: "not stored").
    const parent = parentId === undefined ? null : (this.steps.get(parentId) ?? "not stored");
    this.puts.push({ parent, checkpoint: rest, metadata: structuredClone(metadata), newVersions: { ...newVersions } });
    return super.put(config, checkpoint, metadata);
  }
}

const ADD_SCHEMA = { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"], additionalProperties: false };
const adder: AgentTool = {
  name: "add",
  description: "Adds a and b",
  inputSchema: ADD_SCHEMA,
  async call(args: JsonValue) {
    const { a, b } = args as { a: number; b: number };
    if (a < 0) throw new Error("negative numbers are not supported");
    return { sum: a + b };
  },
};
const sentimentParser: OutputParser = {
  jsonSchema: { type: "object", properties: { sentiment: { type: "string" } }, required: ["sentiment"] },
  parse(text: string) {
    const value = JSON.parse(text) as JsonValue;
    if (typeof value !== "object" || value === null || !("sentiment" in value)) throw new Error('"sentiment" is missing');
    return value;
  },
};

const openai = useOpenAiFixtureModel();

function options(overrides: Partial<AgentGraphOptions> = {}): AgentGraphOptions {
  return { model: openai.model, tools: [adder], maxSteps: 5, toolTimeoutMs: 5_000, signal: new AbortController().signal, idempotencyPrefix: "exec:Agent", system: "You add.", ...overrides };
}

const start = [{ role: "user" as const, content: "What is 2 + 3?" }];

async function throughLangGraph(replies: ScriptedReply[], overrides: Partial<AgentGraphOptions> = {}) {
  openai.fixture.reset();
  openai.fixture.script(...replies);
  const saver = new RecordingSaver();
  const graph = buildAgentGraph(agentSteps(options(overrides)), saver);
  const state = await graph.invoke({ messages: start }, { configurable: { thread_id: "t" }, durability: "sync", recursionLimit: 30 });
  // The stepper does not store LangGraph's input checkpoint (step -1) nor the start (step 0): compared from step 1 on.
  const puts = saver.puts.filter((put) => put.metadata.step >= 1);
  return { state, puts: puts.map((put) => (put.parent === 0 ? { ...put, parent: "not stored" } : put)) };
}

async function throughStepper(replies: ScriptedReply[], overrides: Partial<AgentGraphOptions> = {}) {
  openai.fixture.reset();
  openai.fixture.script(...replies);
  const saver = new RecordingSaver();
  const state = await stepNewAgentThread(agentSteps(options(overrides)), { threadId: "t", checkpointer: saver, signal: new AbortController().signal, messages: start });
  return { state, puts: saver.puts, saver };
}

const scenarios: Array<{ name: string; replies: ScriptedReply[]; overrides?: Partial<AgentGraphOptions>; steps: number[] }> = [
  { name: "an answer without tools", replies: [{ text: "5" }], steps: [1] },
  { name: "a tool call, then the answer", replies: [{ toolCalls: [{ id: "c1", name: "add", input: { a: 2, b: 3 } }] }, { text: "5" }], steps: [1, 2, 3] },
  {
    name: "two tool calls in one answer, one failing, then another round",
    replies: [
      { toolCalls: [{ id: "c1", name: "add", input: { a: 2, b: 3 } }, { id: "c2", name: "add", input: { a: -1, b: 3 } }] },
      { toolCalls: [{ id: "c3", name: "add", input: { a: "x" } }] },
      { text: "5, and no negatives" },
    ],
    steps: [1, 2, 3, 4, 5],
  },
  {
    name: "a structured answer repaired once",
    replies: [{ text: "positive" }, { text: '{"sentiment":"positive"}' }],
    overrides: { parser: sentimentParser },
    steps: [1, 2],
  },
  { name: "the step limit", replies: [{ toolCalls: [{ id: "c1", name: "add", input: { a: 1, b: 1 } }] }, { toolCalls: [{ id: "c2", name: "add", input: { a: 2, b: 2 } }] }], overrides: { maxSteps: 2 }, steps: [1, 2, 3] },
];

describe("the agent stepper stores the checkpoints LangGraph stores", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const graph = await throughLangGraph(scenario.replies, scenario.overrides);
      const stepper = await throughStepper(scenario.replies, scenario.overrides);
      expect(stepper.puts.map((put) => put.metadata.step)).toEqual(scenario.steps);
      expect(stepper.puts).toEqual(graph.puts);
      expect(stepper.state).toEqual(graph.state);
    });
  }

  it("stores no checkpoint after the final model call when the caller records the result next (storeFinalCheckpoint: false)", async () => {
    openai.fixture.reset();
    openai.fixture.script({ toolCalls: [{ id: "c1", name: "add", input: { a: 2, b: 3 } }] }, { text: "5" });
    const saver = new RecordingSaver();
    const state = await stepNewAgentThread(agentSteps(options()), { threadId: "t", checkpointer: saver, signal: new AbortController().signal, messages: start, storeFinalCheckpoint: false });
    expect(state).toMatchObject({ answer: "5", modelCalls: 2 });
    expect(saver.puts.map((put) => put.metadata.step)).toEqual([1, 2]);
  });

  it("LangGraph resumes a run the stepper stopped in its tools step, from the stepper's checkpoint", async () => {
    openai.fixture.reset();
    openai.fixture.script({ toolCalls: [{ id: "c1", name: "add", input: { a: 2, b: 3 } }] }, { text: "5" });
    const saver = new RecordingSaver();
    const crash = new AbortController();
    let toolRuns = 0;
    const crashingAdder: AgentTool = {
      ...adder,
      async call(args, context) {
        toolRuns += 1;
        if (toolRuns === 1) {
          crash.abort(new Error("the process died"));
          throw new Error("the process died");
        }
        return adder.call(args, context);
      },
    };
    const request = { threadId: "t", node: "Agent", checkpointer: saver, ...options({ tools: [crashingAdder] }), initialMessages: async () => start };
    await expect(runAgent({ ...request, signal: crash.signal })).rejects.toThrow("the process died");
    expect(saver.puts.map((put) => put.metadata.step)).toEqual([1]);
    expect(openai.fixture.calls().received).toBe(1);

    const resumed = await runAgent({ ...request, signal: new AbortController().signal });
    expect(resumed).toMatchObject({ ran: true, state: { answer: "5", modelCalls: 2 } });
    // The model call answered before the crash was not sent again; LangGraph went on from the stepper's step 1.
    expect(openai.fixture.calls().received).toBe(2);
    expect(toolRuns).toBe(2);
    expect(saver.puts.map((put) => [put.metadata.step, put.parent])).toEqual([[1, "not stored"], [2, 1], [3, 2]]);
  });
});
