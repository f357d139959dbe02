/**
 * One model call: the messages, the tools' schemas (no automatic execution: the caller runs tools), the model's settings.
 * Streams (so that deltas can be forwarded), retries 408/409/429/5xx with the AI SDK's backoff, which honours
 * `retry-after-ms` and `Retry-After` (up to 60 s; longer waits fall back to exponential backoff from 2 s), and turns every
 * failure into a `ModelCallError` naming the provider, the model, the status and the provider's message.
 *
 * The provider's stream is read directly (`doStream`, the provider code up to the wire as `streamText` runs it) for the
 * conversations lib/ai/language-model-prompt.ts converts, which are all an agent makes: `streamText` costs ~4 ms more per
 * call here (its schema validation of the whole conversation, telemetry spans, stream transforms) and an agent run makes
 * two calls or more. Other conversations go through `streamText`. See docs/ai.md.
 */
import type { JSONSchema7, LanguageModelV3, LanguageModelV3Prompt, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { retryWithExponentialBackoff } from "@ai-sdk/provider-utils";
import { APICallError, jsonSchema, RetryError, streamText, tool, type ModelMessage, type ToolSet } from "ai";
import type { AgentTool } from "./agent-tool";
import type { ChatModel } from "./chat-model";
import { toModelCallError } from "./model-errors";
import { toLanguageModelPrompt } from "./language-model-prompt";
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

/** What one streamed answer came to, whichever way it was read. */
interface StreamedAnswer {
  text: string;
  toolCalls: ModelToolCall[];
  finishReason: string;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  totalTokens: number | undefined;
  responseMessages: ModelMessage[];
}

type CallContext = { signal: AbortSignal; maxRetries: number };

/**
 * How long to wait before retrying `error`: the provider's `retry-after-ms` or `Retry-After` (seconds or a date) when it
 * is under a minute (or under the backoff), else the exponential backoff. The AI SDK's own rule for `streamText`.
 */
function retryDelayMs({ error, exponentialBackoffDelay }: { error: unknown; exponentialBackoffDelay: number }): number {
  const headers = APICallError.isInstance(error) ? error.responseHeaders : undefined;
  if (!headers) return exponentialBackoffDelay;
  let ms: number | undefined;
  const retryAfterMs = Number.parseFloat(headers["retry-after-ms"] ?? "");
  if (!Number.isNaN(retryAfterMs)) ms = retryAfterMs;
  const retryAfter = headers["retry-after"];
  if (retryAfter && ms === undefined) {
    const seconds = Number.parseFloat(retryAfter);
    ms = Number.isNaN(seconds) ? Date.parse(retryAfter) - Date.now() : seconds * 1000;
  }
  return ms !== undefined && !Number.isNaN(ms) && ms >= 0 && (ms < 60_000 || ms < exponentialBackoffDelay) ? ms : exponentialBackoffDelay;
}

const parseToolInput = (input: string): JsonValue => {
  try {
    return JSON.parse(input) as JsonValue;
  } catch {
    return input;
  }
};

/**
 * The provider's stream read directly (`doStream`): the request, retried like `streamText` retries it (408/409/429/5xx,
 * `maxRetries`, exponential backoff from 2 s honouring Retry-After), then the parts. The assistant message is built as
 * `streamText` builds it: its text, then its tool calls.
 */
async function streamDirect(model: LanguageModelV3, prompt: LanguageModelV3Prompt, chatModel: ChatModel, request: ModelCallRequest, call: CallContext): Promise<StreamedAnswer> {
  const tools = request.tools && request.tools.length > 0 ? request.tools.map((entry) => ({ type: "function" as const, name: entry.name, description: entry.description, inputSchema: entry.inputSchema as JSONSchema7 })) : undefined;
  const retrying = retryWithExponentialBackoff({
    maxRetries: call.maxRetries,
    abortSignal: call.signal,
    shouldRetry: async (error) => APICallError.isInstance(error) && error.isRetryable,
    getDelayInMs: retryDelayMs,
    createRetryError: ({ message, reason, errors }) => new RetryError({ message, reason: reason as ConstructorParameters<typeof RetryError>[0]["reason"], errors }),
  });
  const { stream } = await retrying(() =>
    model.doStream({
      prompt,
      tools,
      toolChoice: tools ? { type: "auto" } : undefined,
      temperature: chatModel.settings.temperature,
      maxOutputTokens: chatModel.settings.maxOutputTokens,
      abortSignal: call.signal,
    }),
  );
  let text = "";
  const toolCalls: ModelToolCall[] = [];
  let finish: Extract<LanguageModelV3StreamPart, { type: "finish" }> | undefined;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      if (part.type === "text-delta") {
        text += part.delta;
        request.onTextDelta?.(part.delta);
      } else if (part.type === "tool-call") {
        toolCalls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: parseToolInput(part.input) });
      } else if (part.type === "error") {
        throw part.error;
      } else if (part.type === "finish") {
        finish = part;
      }
    }
  } finally {
    reader.releaseLock();
  }
  const content: Array<{ type: "text"; text: string } | { type: "tool-call"; toolCallId: string; toolName: string; input: unknown }> = [];
  if (text !== "") content.push({ type: "text", text });
  for (const toolCall of toolCalls) content.push({ type: "tool-call", toolCallId: toolCall.toolCallId, toolName: toolCall.toolName, input: toolCall.input });
  const inputTokens = finish?.usage.inputTokens.total;
  const outputTokens = finish?.usage.outputTokens.total;
  return {
    text,
    toolCalls,
    finishReason: finish?.finishReason.unified ?? "other",
    inputTokens,
    outputTokens,
    totalTokens: inputTokens !== undefined || outputTokens !== undefined ? (inputTokens ?? 0) + (outputTokens ?? 0) : undefined,
    responseMessages: content.length > 0 ? [{ role: "assistant", content }] : [],
  };
}

/** The same answer through `streamText`, for conversations only the AI SDK converts (images, files...). */
async function streamThroughSdk(chatModel: ChatModel, request: ModelCallRequest, call: CallContext): Promise<StreamedAnswer> {
  const result = streamText({
    model: chatModel.model,
    system: request.system,
    messages: request.messages,
    tools: toolSet(request.tools),
    temperature: chatModel.settings.temperature,
    maxOutputTokens: chatModel.settings.maxOutputTokens,
    maxRetries: call.maxRetries,
    abortSignal: call.signal,
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
      throw part.error;
    } else if (part.type === "abort") {
      throw call.signal.reason;
    }
  }
  const [finishReason, usage, response] = await Promise.all([result.finishReason, result.totalUsage, result.response]);
  return { text, toolCalls, finishReason, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens, responseMessages: response.messages };
}

export async function callModel(chatModel: ChatModel, request: ModelCallRequest): Promise<ModelCallResult> {
  const { settings } = chatModel;
  const timeoutMs = settings.timeoutMs;
  const timeout = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
  const signal = timeout ? AbortSignal.any([request.signal, timeout]) : request.signal;
  const call = { signal, maxRetries: settings.maxRetries };
  try {
    const model = chatModel.model;
    const prompt = model.specificationVersion === "v3" ? toLanguageModelPrompt(request.system, request.messages) : undefined;
    const answer = prompt ? await streamDirect(model as LanguageModelV3, prompt, chatModel, request, call) : await streamThroughSdk(chatModel, request, call);
    const inputTokens = answer.inputTokens ?? 0;
    const outputTokens = answer.outputTokens ?? 0;
    return {
      text: answer.text,
      toolCalls: answer.toolCalls,
      finishReason: answer.finishReason,
      usage: {
        provider: chatModel.provider,
        model: chatModel.modelId,
        inputTokens,
        outputTokens,
        totalTokens: answer.totalTokens ?? inputTokens + outputTokens,
        ...(chatModel.price ? { costUsd: costOf(chatModel.price, inputTokens, outputTokens) } : {}),
      },
      responseMessages: answer.responseMessages,
    };
  } catch (error) {
    // A cancelled execution keeps its own reason (the engine reports it as cancelled, not as a model error).
    if (request.signal.aborted) throw request.signal.reason;
    throw toModelCallError(error, chatModel, { timeoutMs, timedOut: timeout?.aborted === true });
  }
}
