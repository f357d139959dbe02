/** AI Agent (n8n: `@n8n/n8n-nodes-langchain.agent`): a model that calls tools in a loop, as a durable LangGraph subgraph. */
import { z } from "zod";
import { lazyModule } from "@/lib/lazy-module";
import { defineNode } from "@/lib/workflow/node-definition";

const executeModule = lazyModule(() => import("./execute"));

export const agentParameters = z.object({
  /** Default: the item's `chatInput` (what the chat trigger sends). */
  prompt: z.string().optional(),
  systemMessage: z.string().default("You are a helpful assistant."),
  /** Most model calls per item; reaching it without an answer is an error. */
  maxSteps: z.number().int().min(1).max(100).default(10),
  /** Milliseconds per tool call; a tool that takes longer gives the model a timeout error. */
  toolTimeout: z.number().int().positive().default(60_000),
  /** Output every tool call and its result as `intermediateSteps`. */
  returnIntermediateSteps: z.boolean().default(false),
});

export type AgentParameters = z.infer<typeof agentParameters>;

export const agent = defineNode({
  type: "hetumind.agent",
  version: 1,
  displayName: "AI Agent",
  description: "Answers each item's prompt with a chat model that may call the connected tools, looping until it answers.",
  group: "ai",
  icon: "bot",
  aliases: ["agent", "LLM", "tools", "assistant"],
  inputs: [
    { kind: "main" },
    { kind: "ai_languageModel", name: "Chat Model", required: true, maxConnections: 1 },
    { kind: "ai_memory", name: "Memory", maxConnections: 1 },
    { kind: "ai_tool", name: "Tool" },
    { kind: "ai_outputParser", name: "Output Parser", maxConnections: 1 },
  ],
  outputs: [{ kind: "main" }],
  parameters: agentParameters,
  parameterHints: {
    prompt: { label: "Prompt", placeholder: "{{ $json.chatInput }}", description: "Empty: the item's chatInput" },
    systemMessage: { label: "System message", editor: "text" },
    maxSteps: { label: "Max steps", description: "Most model calls per item" },
    toolTimeout: { label: "Tool timeout (ms)" },
    returnIntermediateSteps: { label: "Return intermediate steps" },
  },
  // Model and tool calls; the agent's own steps are checkpointed in its subgraph (docs/ai.md).
  sideEffects: true,
  // Its tools that act outside the run wait for its checkpoints, which wait for the execution's row (agent-stepper.ts).
  effectsFollowItsCheckpoints: true,
  // The AI SDK loads on the first run, not with the node registry at server start.
  execute: async (context) => (await executeModule()).executeAgent(context),
});
