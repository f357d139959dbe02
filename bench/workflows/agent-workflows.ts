/** The agent bench's workflows (bench/agent.ts under next start, bench/agent-in-process.ts for profiling). */

/** The fixture's final answer (after the tool result). */
export const FINAL_TEXT = "Done: HELLO";
export const WINDOW_TURNS = 5;

/**
 * Chat Trigger (public) -> AI Agent with an OpenAI-compatible model on the fixture, Window Buffer Memory (5 turns) and
 * one Code Tool "Shout".
 */
export function agentWorkflow(credentialId: string) {
  const to = (node: string, type: string) => ({ [type]: [[{ node, type, index: 0 }]] });
  return {
    name: "Agent bench",
    nodes: [
      { id: "chat", name: "Chat", type: "hetumind.chatTrigger", parameters: { public: true } },
      { id: "agent", name: "Agent", type: "hetumind.agent", parameters: { systemMessage: "Shout the user's message with the Shout tool, then answer." } },
      {
        id: "model",
        name: "Model",
        type: "hetumind.lmChatOpenAiCompatible",
        parameters: { model: "fixture-model", options: { maxRetries: 0 } },
        credentials: { openAiCompatibleApi: { id: credentialId } },
      },
      { id: "memory", name: "Memory", type: "hetumind.memoryBufferWindow", parameters: { contextWindowLength: WINDOW_TURNS } },
      { id: "tool", name: "Shout", type: "hetumind.toolCode", parameters: { description: "Upper-cases the text", jsCode: "return query.toUpperCase()" } },
    ],
    connections: {
      Chat: to("Agent", "main"),
      Model: to("Agent", "ai_languageModel"),
      Memory: to("Agent", "ai_memory"),
      Shout: to("Agent", "ai_tool"),
    },
  };
}

/** The same agent behind Webhook (POST /api/webhooks/agent-bench, lastNode: the agent's output item as JSON). */
export function webhookWorkflow(credentialId: string) {
  const chat = agentWorkflow(credentialId);
  const { Chat, ...subNodes } = chat.connections;
  return {
    name: "Agent bench (webhook)",
    nodes: [
      { id: "webhook", name: "Webhook", type: "hetumind.webhook", parameters: { path: "agent-bench", httpMethod: "POST", responseMode: "lastNode" } },
      ...chat.nodes
        .filter((node) => node.name !== "Chat")
        .map((node) => {
          if (node.name === "Agent") return { ...node, parameters: { ...node.parameters, prompt: "{{ $json.body.chatInput }}" } };
          if (node.name === "Memory") return { ...node, parameters: { ...node.parameters, sessionIdType: "customKey", sessionKey: "{{ $json.body.sessionId }}" } };
          return node;
        }),
    ],
    connections: { Webhook: Chat, ...subNodes },
  };
}
