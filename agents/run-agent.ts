/**
 * One durable agent run: the subgraph (agent-graph.ts) under its own thread, `${executionId}/${node}/${runIndex}/${itemIndex}`,
 * with the engine's checkpointer and `durability: "sync"` (each model call and each tool step is on disk before the next
 * starts). Run again with the same thread (the engine re-runs the node after a crash, or a retry), it resumes from the last
 * checkpoint: completed model calls are not sent again, completed tool steps are not run again; a run that had finished
 * returns its result without any call.
 */
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { ModelMessage } from "ai";
import { HetumindError } from "@/lib/errors";
import { agentSteps, buildAgentGraph, type AgentGraphOptions, type AgentStateValues } from "./agent-graph";
import { stepNewAgentThread } from "./agent-stepper";

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
  /**
   * False when the caller records the run's result in its next write right after (the engine's last item of an agent
   * node): a new thread's checkpoint after the final model call is not stored. Default true.
   */
  storeFinalCheckpoint?: boolean;
  /** Asked only when the thread is new: the conversation to start from (memory's history, then the user message). */
  initialMessages(): Promise<ModelMessage[]>;
}

export interface AgentRunResult {
  state: AgentStateValues;
  /** False when a finished run was found in its checkpoint and nothing was called. */
  ran: boolean;
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
  const steps = agentSteps(request);
  let ran = true;
  let state: AgentStateValues;
  // A new thread is stepped outside LangGraph, writing the checkpoints LangGraph would (agent-stepper.ts); a thread
  // with checkpoints is resumed by LangGraph. Outside the segment's LangGraph context either way: the agent is a graph
  // of its own (its own thread and checkpoints), not a nested subgraph of the execution graph, whose checkpoint
  // namespace and interrupts it must not share.
  const run = async (): Promise<AgentStateValues> => {
    if (!existing) {
      return stepNewAgentThread(steps, { threadId: request.threadId, checkpointer: request.checkpointer, signal: request.signal, messages: await request.initialMessages(), storeFinalCheckpoint: request.storeFinalCheckpoint });
    }
    const graph = buildAgentGraph(steps, request.checkpointer);
    return AsyncLocalStorageProviderSingleton.getInstance().run(undefined, async () => {
      const snapshot = await graph.getState(config);
      if (snapshot.next.length === 0) {
        ran = false;
        return snapshot.values as AgentStateValues;
      }
      return (await graph.invoke(null, config)) as AgentStateValues;
    });
  };
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
