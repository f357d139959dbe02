/**
 * How an agent's progress reaches a chat client: a per-execution sink in this process, registered by the chat endpoint
 * (lib/triggers/chat.ts) before the execution runs, read by the agent (agents/execute.ts) for every text delta, tool call
 * and tool result. Like Respond to Webhook's waiter (lib/triggers/webhook-responses.ts): an execution with nobody
 * listening (a replay after a crash, a webhook, a worker) streams to no one, and its recorded result is the same.
 */
import type { JsonValue } from "@/lib/workflow/items";

export interface ChatStreamSink {
  /** A text delta of the model call in progress. */
  textDelta(delta: string): void;
  /** A model call ended (its text, if any, is complete), asking for these tool calls (none: it answered). */
  modelCallEnded(toolCalls: Array<{ toolCallId: string; toolName: string; input: JsonValue }>): void;
  /** A tool call's result (`ok: false`: the error text the model reads). */
  toolResult(result: { toolCallId: string; toolName: string; ok: boolean; output: JsonValue }): void;
}

const GLOBAL_KEY = Symbol.for("hetumind.chat-stream-sinks");
type Store = typeof globalThis & { [GLOBAL_KEY]?: Map<string, ChatStreamSink> };

/** One map per process, even when Next.js bundles this module twice (route handlers and the instrumentation worker). */
function sinks(): Map<string, ChatStreamSink> {
  const store = globalThis as Store;
  return (store[GLOBAL_KEY] ??= new Map());
}

/** Streams the execution's agent progress to `sink` until the returned function is called. */
export function registerChatStream(executionId: string, sink: ChatStreamSink): () => void {
  sinks().set(executionId, sink);
  return () => {
    if (sinks().get(executionId) === sink) sinks().delete(executionId);
  };
}

/** The sink listening to this execution, if any. */
export function chatStreamOf(executionId: string): ChatStreamSink | undefined {
  return sinks().get(executionId);
}
