/**
 * A chat session's memory (AI SDK `ModelMessage`s, one row per turn) as UI messages for a `useChat` client: per turn, the
 * user message, then one assistant message with its text and its tool calls as dynamic tool parts (with their results).
 */
import type { ModelMessage, UIMessage } from "ai";
import type { StoredChatTurn } from "@/lib/db/queries/chat-memory";

type AssistantPart = UIMessage["parts"][number];

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((part): part is { type: "text"; text: string } => part !== null && typeof part === "object" && (part as { type?: unknown }).type === "text")
    .map((part) => part.text)
    .join("");
}

/** A tool result's output as the UI shows it: the value, or the error text. */
function resultOf(output: unknown): { ok: boolean; value: unknown } {
  if (output && typeof output === "object" && "type" in output) {
    const typed = output as { type: string; value?: unknown };
    if (typed.type === "error-text" || typed.type === "error-json") return { ok: false, value: typed.value };
    return { ok: true, value: typed.value };
  }
  return { ok: true, value: output };
}

export function turnsToUiMessages(turns: StoredChatTurn[]): UIMessage[] {
  const messages: UIMessage[] = [];
  for (const turn of turns) {
    let assistant: { parts: AssistantPart[] } | undefined;
    const tools = new Map<string, AssistantPart & { type: "dynamic-tool" }>();
    for (const [index, message] of (turn.messages as ModelMessage[]).entries()) {
      if (message.role === "user") {
        messages.push({ id: `${turn.turnId}:${index}`, role: "user", parts: [{ type: "text", text: textOf(message.content) }] });
        assistant = undefined;
      } else if (message.role === "assistant") {
        if (!assistant) {
          assistant = { parts: [] };
          messages.push({ id: `${turn.turnId}:${index}`, role: "assistant", parts: assistant.parts });
        }
        assistant.parts.push({ type: "step-start" });
        const text = textOf(message.content);
        if (text) assistant.parts.push({ type: "text", text, state: "done" });
        if (Array.isArray(message.content)) {
          for (const part of message.content) {
            if (part.type !== "tool-call") continue;
            const tool = { type: "dynamic-tool" as const, toolName: part.toolName, toolCallId: part.toolCallId, state: "input-available" as const, input: part.input };
            tools.set(part.toolCallId, tool);
            assistant.parts.push(tool);
          }
        }
      } else if (message.role === "tool" && assistant) {
        for (const part of message.content) {
          if (part.type !== "tool-result") continue;
          const tool = tools.get(part.toolCallId);
          if (!tool) continue;
          const { ok, value } = resultOf(part.output);
          const done: AssistantPart = ok
            ? { type: "dynamic-tool", toolName: tool.toolName, toolCallId: tool.toolCallId, state: "output-available", input: tool.input, output: value }
            : { type: "dynamic-tool", toolName: tool.toolName, toolCallId: tool.toolCallId, state: "output-error", input: tool.input, errorText: typeof value === "string" ? value : JSON.stringify(value) };
          assistant.parts[assistant.parts.indexOf(tool)] = done;
        }
      }
    }
  }
  return messages;
}
