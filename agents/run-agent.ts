/**
 * One durable agent run: the subgraph (agent-graph.ts) under its own thread, `${executionId}/${node}/${runIndex}/${itemIndex}`,
 * with the engine's checkpointer and `durability: "sync"` (each model call and each tool step is on disk before the next
 * starts). Run again with the same thread (the engine re-runs the node after a crash, or a retry), it resumes from the last
 * checkpoint: completed model calls are not sent again, completed tool steps are not run again; a run that had finished
 * returns its result without any call.
 */
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { BaseCheckpointSaver, ChannelVersions, Checkpoint, CheckpointMetadata, PendingWrite } from "@langchain/langgraph-checkpoint";
import type { ModelMessage } from "ai";
import { HetumindError } from "@/lib/errors";
import { buildAgentGraph, type AgentGraphOptions, type AgentStateValues } from "./agent-graph";

export class AgentRunError extends HetumindError {
  constructor(code: string, message: string, fields: { node: string; modelCalls: number }) {
    super(code, message, fields);
  }
}

export interface AgentRunRequest extends AgentGraphOptions {
  threadId: string;
  node: string;
  checkpointer: BaseCheckpointSaver;
  /** The caller knows that the thread cannot exist yet (`ExecuteContext.firstTry`): it is not looked up. */
  isNew?: boolean;
  /** Asked only when the thread is new: the conversation to start from (memory's history, then the user message). */
  initialMessages(): Promise<ModelMessage[]>;
}

export interface AgentRunResult {
  state: AgentStateValues;
  /** False when a finished run was found in its checkpoint and nothing was called. */
  ran: boolean;
}

/**
 * The saver as the graph sees it for one run on a thread known to be new (runAgent read it, or the engine knows it is:
 * `isNew`; nobody else writes an agent's thread: the execution's lease is held):
 * - LangGraph's own first read of the thread is answered "nothing yet" without a query;
 * - its first two checkpoints (step -1, the input; step 0, the input applied, before the first model call) and the
 *   writes before them are not stored. They hold nothing but the start (the memory's history and the prompt), which
 *   runAgent rebuilds when it finds no checkpoint: a run stopped before its first model call answered starts again
 *   from the start either way. The first stored checkpoint is the one after the first model call.
 */
function knownNewThread(saver: BaseCheckpointSaver, threadId: string): BaseCheckpointSaver {
  let firstRead = true;
  let stored = false;
  const ownThread = (config: RunnableConfig) => config.configurable?.thread_id === threadId && !config.configurable?.checkpoint_ns;
  return new Proxy(saver, {
    get(target, property) {
      if (property === "getTuple" && firstRead) {
        return async (config: RunnableConfig) => {
          firstRead = false;
          if (ownThread(config) && !config.configurable?.checkpoint_id) return undefined;
          return target.getTuple(config);
        };
      }
      if (property === "put") {
        return async (config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, versions: ChannelVersions) => {
          if (!stored && ownThread(config) && metadata.step <= 0) {
            return { configurable: { thread_id: threadId, checkpoint_ns: "", checkpoint_id: checkpoint.id } };
          }
          stored = true;
          return target.put(config, checkpoint, metadata, versions);
        };
      }
      if (property === "putWrites") {
        return async (config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string) => {
          if (!stored && ownThread(config)) return;
          return target.putWrites(config, writes, taskId, taskPath);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function runAgent(request: AgentRunRequest): Promise<AgentRunResult> {
  const config = {
    configurable: { thread_id: request.threadId },
    durability: "sync" as const,
    // model + tools per step, one repair round, slack.
    recursionLimit: request.maxSteps * 2 + 8,
    signal: request.signal,
  };
  const existing = request.isNew ? undefined : await request.checkpointer.getTuple({ configurable: { thread_id: request.threadId } });
  const graph = buildAgentGraph(request, existing ? request.checkpointer : knownNewThread(request.checkpointer, request.threadId));
  let ran = true;
  let state: AgentStateValues;
  // Outside the segment's LangGraph context: the agent is a graph of its own (its own thread and checkpoints), not a
  // nested subgraph of the execution graph, whose checkpoint namespace and interrupts it must not share.
  const run = () =>
    AsyncLocalStorageProviderSingleton.getInstance().run(undefined, async () => {
      if (!existing) return (await graph.invoke({ messages: await request.initialMessages() }, config)) as AgentStateValues;
      const snapshot = await graph.getState(config);
      if (snapshot.next.length === 0) {
        ran = false;
        return snapshot.values as AgentStateValues;
      }
      return (await graph.invoke(null, config)) as AgentStateValues;
    });
  try {
    state = await run();
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason ?? error;
    throw error;
  } finally {
    // The engine's saver holds a step's plain writes in memory until the next checkpoint; a run that stopped (aborted)
    // leaves them behind. Nothing else is attached to an agent thread, so releasing it only frees memory.
    const saver = request.checkpointer as BaseCheckpointSaver & { release?(thread: string): Promise<void> };
    await saver.release?.(request.threadId);
  }
  if (state.failure) {
    throw new AgentRunError(state.failure.code, `Node "${request.node}": ${state.failure.message}`, { node: request.node, modelCalls: state.modelCalls });
  }
  return { state, ran };
}
