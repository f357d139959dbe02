/** OpenAI Chat Model (n8n: `@n8n/n8n-nodes-langchain.lmChatOpenAi`): supplies an OpenAI chat model to an agent or chain. */
import { OPENAI_DEFAULT_BASE_URL } from "@/lib/credentials/types";
import { defineSubNode } from "@/lib/workflow/node-definition";
import { chatModelFrom, chatModelHints, chatModelParameters, chatModelPorts, connectionFrom } from "../shared/chat-model";

export const lmChatOpenAi = defineSubNode({
  type: "hetumind.lmChatOpenAi",
  version: 1,
  displayName: "OpenAI Chat Model",
  description: "Supplies an OpenAI chat model (chat completions) to an AI Agent or a chain.",
  icon: "sparkles",
  aliases: ["GPT", "ChatGPT", "LLM"],
  ...chatModelPorts,
  parameters: chatModelParameters("gpt-4o-mini"),
  parameterHints: chatModelHints,
  credentials: [{ type: "openAiApi", required: true }],
  async supply(context) {
    const connection = await connectionFrom(context, "openAiApi", { baseUrl: OPENAI_DEFAULT_BASE_URL });
    return chatModelFrom("openai", connection, context.parameters);
  },
});
