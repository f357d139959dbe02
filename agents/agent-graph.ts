/**
 * The agent as a LangGraph subgraph: `model` (one AI SDK call offering the tools' schemas, no automatic tool execution) and
 * `tools` (runs the calls the model asked for, in parallel), looping until the model answers or the step limit is reached.
 * Each step is checkpointed under the agent run's own thread (run-agent.ts), so a re-run after a crash resumes after the
 * last completed model call or tool step and never sends a completed model call again.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { ModelMessage } from "ai";
import type { AgentTool } from "@/lib/ai/agent-tool";
import type { ChatModel } from "@/lib/ai/chat-model";
import { callModel, type ModelToolCall, type ModelUsage } from "@/lib/ai/model-call";
import type { OutputParser } from "@/lib/ai/output-parser";
import { repairMessages, tryParse, withFormatInstructions } from "@/lib/ai/structured-answer";
import type { JsonValue } from "@/lib/workflow/items";
import { runToolCalls, toolMessage } from "./run-tools";

/** One tool call and what came of it (the node's `intermediateSteps`). */
export interface AgentStep {
  toolCallId: string;
  tool: string;
  input: JsonValue;
  ok: boolean;
  output: JsonValue;
}

const append = <T>(left: T[], right: T[] | undefined): T[] => (right && right.length > 0 ? [...left, ...right] : left);

export const AgentState = Annotation.Root({
  /** The conversation, in the AI SDK's message format (the memory's history, the user message, then every step). */
  messages: Annotation<ModelMessage[]>({ reducer: append, default: () => [] }),
  /** Usage of every model call made so far. */
  usage: Annotation<ModelUsage[]>({ reducer: append, default: () => [] }),
  steps: Annotation<AgentStep[]>({ reducer: append, default: () => [] }),
  /** Tool calls of the last model answer, not run yet. */
  pending: Annotation<ModelToolCall[]>({ reducer: (_left, right) => right, default: () => [] }),
  modelCalls: Annotation<number>({ reducer: (_left, right) => right, default: () => 0 }),
  repairs: Annotation<number>({ reducer: (_left, right) => right, default: () => 0 }),
  /** The final text, once the model answered without asking for tools. */
  answer: Annotation<string | null>({ reducer: (_left, right) => right, default: () => null }),
  /** The answer read by the output parser. */
  parsed: Annotation<JsonValue | null>({ reducer: (_left, right) => right, default: () => null }),
  /** Why the run ended without an answer (step limit, unparsable answer): kept so that a re-run reports it without calling. */
  failure: Annotation<{ code: string; message: string } | null>({ reducer: (_left, right) => right, default: () => null }),
});

export type AgentStateValues = typeof AgentState.State;

export interface AgentGraphOptions {
  model: ChatModel;
  tools: AgentTool[];
  parser?: OutputParser;
  system?: string;
  maxSteps: number;
  toolTimeoutMs: number;
  signal: AbortSignal;
  idempotencyPrefix: string;
  /** Called for every text delta of the model (the chat stream, lib/ai/chat-stream.ts). */
  onTextDelta?(delta: string): void;
  /** Called when a model call has answered, with the tool calls it asked for (none for a final answer). */
  onModelCallEnd?(toolCalls: ModelToolCall[]): void;
  /** Called for each tool call's result when a tools step ends. */
  onToolResult?(result: { toolCallId: string; toolName: string; ok: boolean; output: JsonValue }): void;
}

/** What the agent's graph is made of: its two steps and the route after a model step. */
export interface AgentSteps {
  model(state: AgentStateValues): Promise<Partial<AgentStateValues>>;
  tools(state: AgentStateValues): Promise<Partial<AgentStateValues>>;
  /** Where to go after a model step, given the state with that step's update applied. */
  afterModel(state: AgentStateValues): "tools" | "model" | typeof END;
  /**
   * Does this step act outside the run (a tools step calling a tool that is not `pure`)? It then starts only once every
   * checkpoint before it is stored. A model call or a pure tool may start while the last checkpoint is being written:
   * a crash before it lands runs them again, as it would without the overlap (agent-stepper.ts).
   */
  actsOutside(node: "model" | "tools", state: AgentStateValues): boolean;
}

export function agentSteps(options: AgentGraphOptions): AgentSteps {
  const system = options.parser ? withFormatInstructions(options.system, options.parser) : options.system;
  const offered = options.tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema }));

  const modelStep = async (state: AgentStateValues): Promise<Partial<AgentStateValues>> => {
    const result = await callModel(options.model, { system, messages: state.messages, tools: offered, signal: options.signal, onTextDelta: options.onTextDelta });
    options.onModelCallEnd?.(result.toolCalls);
    const modelCalls = state.modelCalls + 1;
    const base = { messages: result.responseMessages, usage: [result.usage], modelCalls };
    if (result.toolCalls.length > 0) {
      if (modelCalls >= options.maxSteps) {
        return {
          ...base,
          pending: [],
          failure: { code: "agent_max_steps", message: `the model still asked for tools after ${modelCalls} model calls (max steps ${options.maxSteps}) without giving an answer` },
        };
      }
      return { ...base, pending: result.toolCalls };
    }
    if (!options.parser) return { ...base, pending: [], answer: result.text };
    const parsed = await tryParse(options.parser, result.text);
    if (parsed.ok) return { ...base, pending: [], answer: result.text, parsed: parsed.value };
    if (state.repairs >= 1 || modelCalls >= options.maxSteps) {
      return { ...base, pending: [], failure: { code: "output_parse_failed", message: `the answer does not match the output format after one repair round: ${parsed.error}` } };
    }
    // The assistant's answer is already in `messages` (responseMessages); only the request to fix it is added.
    return { ...base, messages: [...result.responseMessages, ...repairMessages(result.text, parsed.error).slice(1)], pending: [], repairs: state.repairs + 1 };
  };

  const toolsStep = async (state: AgentStateValues): Promise<Partial<AgentStateValues>> => {
    const outcomes = await runToolCalls(state.pending, { tools: options.tools, signal: options.signal, timeoutMs: options.toolTimeoutMs, idempotencyPrefix: `${options.idempotencyPrefix}:${state.modelCalls}` });
    for (const outcome of outcomes) options.onToolResult?.({ toolCallId: outcome.toolCallId, toolName: outcome.toolName, ok: outcome.ok, output: outcome.output });
    return {
      messages: [toolMessage(outcomes)],
      pending: [],
      steps: outcomes.map((outcome) => ({ toolCallId: outcome.toolCallId, tool: outcome.toolName, input: outcome.input, ok: outcome.ok, output: outcome.output })),
    };
  };

  const impure = new Set(options.tools.filter((tool) => tool.pure !== true).map((tool) => tool.name));
  const actsOutside = (node: "model" | "tools", state: AgentStateValues): boolean => node === "tools" && state.pending.some((call) => impure.has(call.toolName));

  const afterModel = (state: AgentStateValues): "tools" | "model" | typeof END => {
    if (state.answer !== null || state.failure !== null) return END;
    return state.pending.length > 0 ? "tools" : "model";
  };

  return { model: modelStep, tools: toolsStep, afterModel, actsOutside };
}

/** The steps as a LangGraph graph. Changing its shape means changing agent-stepper.ts, which writes its checkpoints. */
export function buildAgentGraph(steps: AgentSteps, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(AgentState)
    .addNode("model", steps.model)
    .addNode("tools", steps.tools)
    .addEdge(START, "model")
    .addConditionalEdges("model", steps.afterModel, ["tools", "model", END])
    .addEdge("tools", "model")
    .compile({ checkpointer });
}
