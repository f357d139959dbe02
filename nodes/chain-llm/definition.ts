/** Basic LLM Chain (n8n: `@n8n/n8n-nodes-langchain.chainLlm`): one model call per item, text out (or structured with a parser). */
import { z } from "zod";
import { lazyModule } from "@/lib/lazy-module";
import { defineNode } from "@/lib/workflow/node-definition";

const runModule = lazyModule(() => import("./run"));

export const chainLlmParameters = z.object({
  /** Default: the item's `chatInput` (what the chat trigger sends). */
  prompt: z.string().optional(),
  systemMessage: z.string().optional(),
});

export type ChainLlmParameters = z.infer<typeof chainLlmParameters>;

export const chainLlm = defineNode({
  type: "hetumind.chainLlm",
  version: 1,
  displayName: "Basic LLM Chain",
  description: "Sends a prompt to a chat model once per item and outputs its answer: text, or JSON when an output parser is connected.",
  group: "ai",
  icon: "message-square",
  aliases: ["LLM", "prompt", "completion"],
  inputs: [
    { kind: "main" },
    { kind: "ai_languageModel", name: "Chat Model", required: true, maxConnections: 1 },
    { kind: "ai_outputParser", name: "Output Parser", maxConnections: 1 },
  ],
  outputs: [{ kind: "main" }],
  parameters: chainLlmParameters,
  parameterHints: {
    prompt: { label: "Prompt", placeholder: "{{ $json.chatInput }}", description: "Empty: the item's chatInput" },
    systemMessage: { label: "System message", editor: "text" },
  },
  // Model calls: the segment is checkpointed right after the chain.
  sideEffects: true,
  // The AI SDK loads on the first run, not with the node registry at server start.
  execute: async (context) => (await runModule()).executeChainLlm(context),
});
