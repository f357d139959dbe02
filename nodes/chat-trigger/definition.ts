/**
 * Chat Trigger (n8n: `@n8n/n8n-nodes-langchain.chatTrigger`): starts the workflow for each message sent to
 * `POST /api/chat/<workflowId>` (lib/triggers/chat.ts) or typed on the hosted page `/chat/<workflowId>`. Emits one item
 * `{ sessionId, chatInput, action: "sendMessage" }`, built by the endpoint and handed in as the execution's input; the
 * answer streams back as the AI SDK UI message stream.
 */
import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";

export const CHAT_TRIGGER_NODE_TYPE = "hetumind.chatTrigger";

export const chatTriggerParameters = z
  .object({
    /**
     * true: anyone with the URL may chat (optionally with basic auth; cross-origin callers only from `allowedOrigins`);
     * the workflow must be active. false: only members of the workflow's workspace (session cookie or API key).
     */
    public: z.boolean().default(false),
    /** For a public chat (n8n's names): none, or basicAuth with `basicAuth: { user, password }`. */
    authentication: z.enum(["none", "basicAuth"]).default("none"),
    basicAuth: z.object({ user: z.string(), password: z.string() }).optional(),
    /** A short greeting the hosted page shows before the first message (one message per line). */
    initialMessages: z.string().default(""),
    options: z
      .object({
        /** Comma-separated origins that may call a public chat from a browser ("*" for any); the hosted page is same-origin. */
        allowedOrigins: z.string().default("*"),
        /** The hosted page's title. */
        title: z.string().optional(),
      })
      .default({ allowedOrigins: "*" }),
  })
  .superRefine((parameters, context) => {
    if (parameters.authentication === "basicAuth" && !parameters.basicAuth) {
      context.addIssue({ code: "custom", path: ["basicAuth"], message: "basic authentication needs basicAuth: { user, password }" });
    }
  });

export type ChatTriggerParameters = z.infer<typeof chatTriggerParameters>;

export const chatTrigger = defineNode({
  type: CHAT_TRIGGER_NODE_TYPE,
  version: 1,
  displayName: "Chat Trigger",
  description: "Starts the workflow for each chat message (the hosted chat page or any useChat client); the agent's answer streams back.",
  group: "trigger",
  icon: "message-circle",
  aliases: ["chat", "conversation", "message", "useChat"],
  trigger: true,
  inputs: [],
  outputs: [{ kind: "main" }],
  parameters: chatTriggerParameters,
  parameterHints: {
    public: { label: "Make chat publicly available", description: "Off: members of the workspace only" },
    authentication: { displayWhen: { public: [true] } },
    basicAuth: { displayWhen: { authentication: ["basicAuth"] } },
    initialMessages: { label: "Initial message(s)", editor: "text" },
  },
  sideEffects: false,
  execute: (context) => [context.items.length > 0 ? context.items : [{ json: { sessionId: "", chatInput: "", action: "sendMessage" } }]],
});
