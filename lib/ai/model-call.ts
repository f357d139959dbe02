/**
 * One model call: the messages, the tools' schemas (no automatic execution: the caller runs tools), the model's settings.
 * Streams (so that deltas can be forwarded), retries 408/409/429/5xx with the AI SDK's own backoff, which honours
 * `retry-after-ms` and `Retry-After` (up to 60 s; longer waits fall back to exponential backoff from 2 s), and turns every
 * failure into a `ModelCallError` naming the provider, the model, the status and the provider's message.
 */
import { jsonSchema, streamText, tool, type ModelMessage, type ToolSet } from "ai";
import type { AgentTool } from "./agent-tool";
import type { ChatModel } from "./chat-model";
import { toModelCallError } from "./model-errors";
import { costOf } from "./prices";
import type { JsonObject, JsonValue } from "@/lib/workflow/items";
import type { ModelCallUsage } from "@/lib/workflow/usage";

export interface ModelCallRequest {
  system?: string;
  messages: ModelMessage[];
  /** Offered to the model by name, description and input schema; never executed here. */
  tools?: Array<Pick<AgentTool, "name" | "description" | "inputSchema">>;
  signal: AbortSignal;
  onTextDelta?(delta: string): void;
}

export interface ModelToolCall {
  toolCallId: string;
  toolName: string;
  /** Parsed arguments; the raw text when the model sent JSON that does not parse. */
  input: JsonValue;
}

/** Tokens and cost of one model call (what nodes put in their output and record on their node run: lib/workflow/usage.ts). */
export type ModelUsage = ModelCallUsage;

export interface ModelCallResult {
  text: string;
  toolCalls: ModelToolCall[];
  finishReason: string;
  usage: ModelUsage;
  /** The assistant message(s) to append to the conversation. */
  responseMessages: ModelMessage[];
}

function toolSet(tools: ModelCallRequest["tools"]): ToolSet | undefined {
  if (!tools || tools.length === 0) return undefined;
  return Object.fromEntries(tools.map((entry) => [entry.name, tool({ description: entry.description, inputSchema: jsonSchema(entry.inputSchema as JsonObject) })]));
}

export async function callModel(chatModel: ChatModel, request: ModelCallRequest): Promise<ModelCallResult> {
  const { settings } = chatModel;
  const timeoutMs = settings.timeoutMs;
  const timeout = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
  const signal = timeout ? AbortSignal.any([request.signal, timeout]) : request.signal;
  let streamError: unknown;
  try {
    const result = streamText({
      model: chatModel.model,
      system: request.system,
      messages: request.messages,
      tools: toolSet(request.tools),
      temperature: settings.temperature,
      maxOutputTokens: settings.maxOutputTokens,
      maxRetries: settings.maxRetries,
      abortSignal: signal,
      // Errors are read from the stream below; the default handler would print them.
      onError: () => undefined,
    });
    let text = "";
    const toolCalls: ModelToolCall[] = [];
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") {
        text += part.text;
        request.onTextDelta?.(part.text);
      } else if (part.type === "tool-call") {
        toolCalls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: (part.input ?? null) as JsonValue });
      } else if (part.type === "error") {
        streamError = part.error;
        break;
      } else if (part.type === "abort") {
        streamError = signal.reason;
        break;
      }
    }
    if (streamError !== undefined) throw streamError;
    const [finishReason, usage, response] = await Promise.all([result.finishReason, result.totalUsage, result.response]);
    const inputTokens = usage.inputTokens ?? 0;
    const outputTokens = usage.outputTokens ?? 0;
    return {
      text,
      toolCalls,
      finishReason,
      usage: {
        provider: chatModel.provider,
        model: chatModel.modelId,
        inputTokens,
        outputTokens,
        totalTokens: usage.totalTokens ?? inputTokens + outputTokens,
        ...(chatModel.price ? { costUsd: costOf(chatModel.price, inputTokens, outputTokens) } : {}),
      },
      responseMessages: response.messages,
    };
  } catch (error) {
    // A cancelled execution keeps its own reason (the engine reports it as cancelled, not as a model error).
    if (request.signal.aborted) throw request.signal.reason;
    throw toModelCallError(error, chatModel, { timeoutMs, timedOut: timeout?.aborted === true });
  }
}
