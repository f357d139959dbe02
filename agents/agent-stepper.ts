/**
 * A new agent thread is stepped here, not by LangGraph's Pregel loop: the same `model` and `tools` steps and the same
 * route (agent-graph.ts), and after each step the checkpoint LangGraph stores for that graph with `durability: "sync"`,
 * put through the same saver. A run that stops (a crash, a failed try) is resumed from those checkpoints by LangGraph
 * itself (run-agent.ts), so the graph's semantics are LangGraph's; what this saves is the loop's per-step machinery
 * (task preparation, callback managers, langsmith run trees, async-local contexts: ~5-7 ms of CPU per agent run of three
 * steps). docs/decisions/agent-first-pass-outside-langgraph.md; tests/integration/agent-stepper-writes-langgraphs-checkpoints
 * compares the checkpoints with LangGraph's own, step by step.
 *
 * A checkpoint is written while the next step runs when that step acts only inside the run (a model call, a pure tool);
 * a step that acts outside it (any other tool) starts once every checkpoint before it is stored, and the stepper returns
 * or throws only once its checkpoints are settled. A crash before a checkpoint lands re-runs from the one before, as it
 * would have a moment earlier without the overlap. Checkpoints go through a CheckpointQueue (checkpoint-queue.ts): in
 * order, and one of inside steps still waiting for its turn is replaced by the next
 * (docs/decisions/agent-checkpoints-overlap-pure-steps.md).
 *
 * What LangGraph does per step for this graph (its `_applyWrites`), and what is reproduced here:
 * - the step's task is the node whose trigger channel (`branch:to:<node>`) holds a value; `versions_seen[node]` takes
 *   that channel's version;
 * - one new version, `getNextVersion(max of all versions)`, goes to every channel the step wrote (each key of the node's
 *   update, and the route's write: `branch:to:<next>` = the node's name after a conditional route, `null` after a plain
 *   edge) and to the trigger channel it consumed (an ephemeral value, cleared);
 * - the checkpoint's `newVersions` are the channels whose version changed in the step.
 * Its first two checkpoints (step -1, the input; step 0, the input applied) are not stored: the first stored one is the
 * one after the first model call, as run-agent.ts always did (they hold only the start, which is rebuilt from memory).
 */
import { END } from "@langchain/langgraph";
import { type BaseCheckpointSaver, type ChannelVersions, type Checkpoint, uuid6 } from "@langchain/langgraph-checkpoint";
import type { ModelMessage } from "ai";
import { AgentState, type AgentSteps, type AgentStateValues } from "./agent-graph";
import { CheckpointQueue } from "./checkpoint-queue";

type StepName = "model" | "tools";
type Channel = keyof AgentStateValues;

/** Channels whose reducer appends (the others keep the last value written). */
const APPENDED: ReadonlySet<Channel> = new Set<Channel>(["messages", "usage", "steps"]);

function initialState(messages: ModelMessage[]): AgentStateValues {
  const state = {} as Record<string, unknown>;
  for (const [name, channel] of Object.entries(AgentState.spec)) {
    state[name] = (channel as { initialValueFactory?: () => unknown }).initialValueFactory?.();
  }
  return { ...(state as AgentStateValues), messages: [...messages] };
}

function applyUpdate(state: AgentStateValues, update: Partial<AgentStateValues>): AgentStateValues {
  const next = { ...state } as Record<string, unknown>;
  for (const [key, value] of Object.entries(update)) {
    next[key] = APPENDED.has(key as Channel) ? [...(state[key as Channel] as unknown[]), ...((value as unknown[] | undefined) ?? [])] : value;
  }
  return next as AgentStateValues;
}

export interface StepperRequest {
  threadId: string;
  checkpointer: BaseCheckpointSaver;
  signal: AbortSignal;
  /** The start: the memory's history, then the user message. */
  messages: ModelMessage[];
  /** False: the checkpoint after the final step is not stored (the caller records the result next). Default true. */
  storeFinalCheckpoint?: boolean;
}

export async function stepNewAgentThread(steps: AgentSteps, request: StepperRequest): Promise<AgentStateValues> {
  const { checkpointer, threadId, signal } = request;
  const nextVersion = (versions: Record<string, number>): number => checkpointer.getNextVersion(Math.max(...Object.values(versions)));
  // Step -1 (the input written to __start__) and step 0 (__start__ applies it and routes to the model), not stored.
  const inputVersion = checkpointer.getNextVersion(undefined);
  const startVersion = checkpointer.getNextVersion(inputVersion);
  const versions: Record<string, number> = { __start__: startVersion, messages: startVersion, "branch:to:model": startVersion };
  const seen: Record<string, Record<string, number>> = { __input__: {}, __start__: { __start__: inputVersion } };
  const branches: Record<string, string | null> = { "branch:to:model": null };
  let parentId = uuid6(0);
  let state = initialState(request.messages);
  const queue = new CheckpointQueue(checkpointer);

  try {
    for (let step = 1; ; step++) {
      const node = (Object.keys(branches)[0]?.slice("branch:to:".length) ?? "") as StepName;
      if (node !== "model" && node !== "tools") throw new Error(`agent stepper: no step after step ${step - 1} (branches ${Object.keys(branches).join(", ")})`);
      signal.throwIfAborted();
      // No step starts after a checkpoint that failed; one that acts outside the run starts once all are stored.
      if (queue.failed) throw queue.failed.error;
      const actsOutside = steps.actsOutside(node, state);
      if (actsOutside) await queue.settled();
      const update = await steps[node](state);
      signal.throwIfAborted();
      state = applyUpdate(state, update);

      const trigger = `branch:to:${node}`;
      seen[node] = { [trigger]: versions[trigger] };
      const version = nextVersion(versions);
      const written = new Set<string>(Object.keys(update));
      delete branches[trigger];
      written.add(trigger);
      const route = node === "model" ? steps.afterModel(state) : "model";
      if (route !== END) {
        branches[`branch:to:${route}`] = node === "model" ? node : null;
        written.add(`branch:to:${route}`);
      }
      const newVersions: ChannelVersions = {};
      for (const channel of written) {
        versions[channel] = version;
        newVersions[channel] = version;
      }

      if (route === END && request.storeFinalCheckpoint === false) {
        await queue.dropWaiting();
        return state;
      }
      const checkpoint: Checkpoint = {
        v: 4,
        id: uuid6(step),
        ts: new Date().toISOString(),
        channel_values: { ...state, __pregel_tasks: [], ...branches },
        channel_versions: { ...versions },
        versions_seen: structuredClone(seen),
      };
      const config = { configurable: { thread_id: threadId, checkpoint_ns: "", checkpoint_id: parentId } };
      queue.add({ config, checkpoint, metadata: { source: "loop", step, parents: {} }, newVersions, sealed: actsOutside, lingers: node === "tools" && !actsOutside });
      parentId = checkpoint.id;
      if (route === END) {
        await queue.settled();
        return state;
      }
      // One turn of the event loop: the put serializes and hands its statement to the database (promise jobs) before the
      // next step's own work (a tool's sandbox, building the model request) holds the thread.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    // Nothing of this thread is written after the stepper is done: a retry of the node reads what is stored.
    await queue.settled().catch(() => undefined);
    throw error;
  }
}
