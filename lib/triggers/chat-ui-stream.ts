/**
 * Writes an execution's progress as AI SDK UI message stream chunks (ai 6): one assistant message per request, a step per
 * model call (`start-step`, its text as `text-start`/`text-delta`/`text-end`, its tool calls as dynamic tool parts with
 * `tool-input-available`, their results as `tool-output-available` or `tool-output-error`, `finish-step`), then the
 * outcome: when nothing was streamed (a workflow without an agent), the last node's answer as text; a failed run as an
 * `error` chunk; `finish`.
 */
import type { UIMessageChunk } from "ai";
import type { ChatStreamSink } from "@/lib/ai/chat-stream";
import type { ExecutionOutcome } from "@/lib/engine/engine";
import type { JsonValue } from "@/lib/workflow/items";
import type { ChunkWriter } from "./ui-message-sse";

/** The reply of a workflow that streamed nothing: its last node's `output`, `text` or `response` string, else its JSON. */
export function replyText(outcome: Extract<ExecutionOutcome, { status: "succeeded" }>): string {
  const first = outcome.output[0]?.json;
  if (first) {
    for (const key of ["output", "text", "response", "message"]) {
      const value = first[key];
      if (typeof value === "string") return value;
    }
  }
  const items = outcome.output.map((item) => item.json);
  return items.length === 0 ? "" : JSON.stringify(items.length === 1 ? items[0] : items, null, 2);
}

export class ChatUiStream implements ChatStreamSink {
  private stepOpen = false;
  private textId: string | undefined;
  private textParts = 0;
  private streamedText = false;
  private readonly pendingTools = new Set<string>();

  constructor(private readonly writer: ChunkWriter) {}

  start(messageId: string, metadata: Record<string, JsonValue>): void {
    this.writer.write({ type: "start", messageId, messageMetadata: metadata });
  }

  private openStep(): void {
    if (this.stepOpen) return;
    this.stepOpen = true;
    this.writer.write({ type: "start-step" });
  }

  private closeText(): void {
    if (this.textId === undefined) return;
    this.writer.write({ type: "text-end", id: this.textId });
    this.textId = undefined;
  }

  private closeStep(): void {
    this.closeText();
    if (!this.stepOpen) return;
    this.stepOpen = false;
    this.writer.write({ type: "finish-step" });
  }

  private text(delta: string): void {
    this.openStep();
    if (this.textId === undefined) {
      this.textId = `text-${this.textParts++}`;
      this.writer.write({ type: "text-start", id: this.textId });
    }
    this.writer.write({ type: "text-delta", id: this.textId, delta });
  }

  textDelta(delta: string): void {
    if (delta === "") return;
    this.streamedText = true;
    this.text(delta);
  }

  modelCallEnded(toolCalls: Array<{ toolCallId: string; toolName: string; input: JsonValue }>): void {
    this.closeText();
    // A step ends with its tool results; an answer without tool calls ends it now.
    if (toolCalls.length === 0) return this.closeStep();
    this.openStep();
    for (const call of toolCalls) {
      this.pendingTools.add(call.toolCallId);
      this.writer.write({ type: "tool-input-available", toolCallId: call.toolCallId, toolName: call.toolName, input: call.input, dynamic: true });
    }
  }

  toolResult(result: { toolCallId: string; toolName: string; ok: boolean; output: JsonValue }): void {
    this.openStep();
    if (result.ok) this.writer.write({ type: "tool-output-available", toolCallId: result.toolCallId, output: result.output, dynamic: true });
    else this.writer.write({ type: "tool-output-error", toolCallId: result.toolCallId, errorText: typeof result.output === "string" ? result.output : JSON.stringify(result.output), dynamic: true });
    this.pendingTools.delete(result.toolCallId);
    if (this.pendingTools.size === 0) this.closeStep();
  }

  /** The end: the reply when nothing streamed, or the error; then `finish`. `errorText` is what a failed run shows. */
  finish(outcome: ExecutionOutcome, errorText: (outcome: Extract<ExecutionOutcome, { status: "failed" | "cancelled" }>) => string): void {
    this.closeStep();
    if (outcome.status === "succeeded") {
      if (!this.streamedText) {
        const text = replyText(outcome);
        if (text !== "") {
          this.text(text);
          this.closeStep();
        }
      }
      this.writer.write({ type: "finish", finishReason: "stop" });
      return;
    }
    if (outcome.status === "waiting") {
      this.text(`The workflow is waiting (${outcome.pause.kind === "approval" ? "for an approval" : "for a timer"}); execution ${outcome.executionId}.`);
      this.closeStep();
      this.writer.write({ type: "finish", finishReason: "other" });
      return;
    }
    this.writer.write({ type: "error", errorText: errorText(outcome) });
  }
}
