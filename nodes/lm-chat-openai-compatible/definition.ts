/** OpenAI-compatible Chat Model: any server that speaks chat completions (Ollama, vLLM, LM Studio, OpenRouter...). */
import { defineSubNode } from "@/lib/workflow/node-definition";
import { chatModelFrom, chatModelHints, chatModelParameters, chatModelPorts, connectionFrom } from "../shared/chat-model";

export const lmChatOpenAiCompatible = defineSubNode({
  type: "hetumind.lmChatOpenAiCompatible",
  version: 1,
  displayName: "OpenAI-compatible Chat Model",
  description: "Supplies a chat model from any OpenAI-compatible server (Ollama, vLLM, LM Studio, OpenRouter...) at its base URL.",
  icon: "sparkles",
  aliases: ["Ollama", "vLLM", "LM Studio", "OpenRouter", "LLM"],
  ...chatModelPorts,
  parameters: chatModelParameters("llama3.1"),
  parameterHints: chatModelHints,
  credentials: [{ type: "openAiCompatibleApi", required: true }],
  async supply(context) {
    const connection = await connectionFrom(context, "openAiCompatibleApi", {});
    return chatModelFrom("openai-compatible", connection, context.parameters);
  },
});
