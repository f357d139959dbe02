/**
 * The conversation as a provider receives it (the AI SDK's LanguageModelV3 prompt), converted here for the messages an
 * agent's conversation is made of: text from the user, the model's text, reasoning and tool calls, tool results. This is
 * what `streamText` does before it calls the provider, without its per-call schema validation of the whole conversation
 * (zod over every message, ~2 ms per call for a 20-message memory window; the messages are ours: the prompt, the
 * provider's own answers, our tool results, and memory rows we stored). Anything else (images, files, approval parts)
 * is not converted here: `toLanguageModelPrompt` answers undefined and the caller goes through `streamText`.
 */
import type { LanguageModelV3Message, LanguageModelV3Prompt } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";

type AssistantPart = Extract<LanguageModelV3Message, { role: "assistant" }>["content"][number];
type ToolPart = Extract<LanguageModelV3Message, { role: "tool" }>["content"][number];

function assistantPart(part: Exclude<Extract<ModelMessage, { role: "assistant" }>["content"], string>[number]): AssistantPart | null | undefined {
  if (part.type === "tool-approval-request" || part.type === "file") return undefined;
  const providerOptions = part.providerOptions;
  switch (part.type) {
    case "text":
      // Empty text parts are dropped, as the AI SDK does.
      return part.text === "" && providerOptions == null ? null : { type: "text", text: part.text, providerOptions };
    case "reasoning":
      return { type: "reasoning", text: part.text, providerOptions };
    case "tool-call":
      return { type: "tool-call", toolCallId: part.toolCallId, toolName: part.toolName, input: part.input, providerExecuted: part.providerExecuted, providerOptions };
    case "tool-result":
      if (part.output.type === "content") return undefined;
      return { type: "tool-result", toolCallId: part.toolCallId, toolName: part.toolName, output: part.output, providerOptions };
  }
}

function convert(message: ModelMessage): LanguageModelV3Message | undefined {
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content, providerOptions: message.providerOptions };
    case "user": {
      if (typeof message.content === "string") return { role: "user", content: [{ type: "text", text: message.content }], providerOptions: message.providerOptions };
      const content: Array<{ type: "text"; text: string; providerOptions?: typeof message.providerOptions }> = [];
      for (const part of message.content) {
        if (part.type !== "text") return undefined;
        if (part.text !== "") content.push({ type: "text", text: part.text, providerOptions: part.providerOptions });
      }
      return { role: "user", content, providerOptions: message.providerOptions };
    }
    case "assistant": {
      if (typeof message.content === "string") return { role: "assistant", content: [{ type: "text", text: message.content }], providerOptions: message.providerOptions };
      const content: AssistantPart[] = [];
      for (const part of message.content) {
        const converted = assistantPart(part);
        if (converted === undefined) return undefined;
        if (converted !== null) content.push(converted);
      }
      return { role: "assistant", content, providerOptions: message.providerOptions };
    }
    case "tool": {
      const content: ToolPart[] = [];
      for (const part of message.content) {
        if (part.type !== "tool-result" || part.output.type === "content") return undefined;
        content.push({ type: "tool-result", toolCallId: part.toolCallId, toolName: part.toolName, output: part.output, providerOptions: part.providerOptions });
      }
      return { role: "tool", content, providerOptions: message.providerOptions };
    }
    default:
      return undefined;
  }
}

/**
 * The prompt for `system` and `messages`, or undefined when a message holds something converted only by the AI SDK
 * (then call `streamText`, which also reports what is wrong with a conversation, such as a tool call without result).
 * Consecutive tool messages become one, as the AI SDK sends them.
 */
export function toLanguageModelPrompt(system: string | undefined, messages: ModelMessage[]): LanguageModelV3Prompt | undefined {
  const prompt: LanguageModelV3Prompt = system !== undefined ? [{ role: "system", content: system }] : [];
  const pendingCalls = new Set<string>();
  for (const message of messages) {
    const converted = convert(message);
    if (!converted) return undefined;
    if (converted.role === "assistant") {
      for (const part of converted.content) if (part.type === "tool-call" && !part.providerExecuted) pendingCalls.add(part.toolCallId);
    } else if (converted.role === "tool") {
      for (const part of converted.content) if (part.type === "tool-result") pendingCalls.delete(part.toolCallId);
    } else if (pendingCalls.size > 0) {
      return undefined; // a tool call without its result: the AI SDK names it
    }
    const last = prompt.at(-1);
    if (converted.role === "tool" && last?.role === "tool") last.content.push(...converted.content);
    else prompt.push(converted);
  }
  return pendingCalls.size > 0 ? undefined : prompt;
}
