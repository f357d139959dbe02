/** Anthropic Chat Model (n8n: `@n8n/n8n-nodes-langchain.lmChatAnthropic`): supplies a Claude model to an agent or chain. */
import { ANTHROPIC_DEFAULT_BASE_URL } from "@/lib/credentials/types-ai";
import { defineSubNode } from "@/lib/workflow/node-definition";
import { chatModelFrom, chatModelHints, chatModelParameters, chatModelPorts, connectionFrom } from "../shared/chat-model";

export const lmChatAnthropic = defineSubNode({
  type: "hetumind.lmChatAnthropic",
  version: 1,
  displayName: "Anthropic Chat Model",
  description: "Supplies an Anthropic (Claude) chat model to an AI Agent or a chain.",
  icon: "sparkles",
  aliases: ["Claude", "LLM"],
  ...chatModelPorts,
  parameters: chatModelParameters("claude-3-5-haiku-latest"),
  parameterHints: chatModelHints,
  credentials: [{ type: "anthropicApi", required: true }],
  async supply(context) {
    const connection = await connectionFrom(context, "anthropicApi", { baseUrl: ANTHROPIC_DEFAULT_BASE_URL });
    return chatModelFrom("anthropic", connection, context.parameters);
  },
});
