/**
 * Chat memory sub-nodes (n8n: `memoryPostgresChat` and `memoryBufferWindow`): both supply a `PostgresChatMemory` — the
 * conversation of one session of the execution's workspace, a window of the last k turns, stored in `chat_memory_turns`.
 * n8n's window buffer lives in the n8n process and is lost on restart; ours is the same window, kept in the database.
 */
import { z } from "zod";
import { PostgresChatMemory } from "@/lib/ai/postgres-chat-memory";
import { NodeExecutionError } from "@/lib/errors";
import { defineSubNode, type SupplyContext } from "@/lib/workflow/node-definition";

export const memoryParameters = z.object({
  /** fromInput: the consumer's item's `sessionId` (what the Chat Trigger emits); customKey: `sessionKey`. */
  sessionIdType: z.enum(["fromInput", "customKey"]).default("fromInput"),
  /** The session id (an expression, e.g. `{{ $json.body.user }}`) when `sessionIdType` is customKey. */
  sessionKey: z.string().optional(),
  /** How many past turns (a user message and the answer to it) the agent sees. */
  contextWindowLength: z.number().int().min(1).max(1000).default(5),
});

export type MemoryParameters = z.infer<typeof memoryParameters>;

const MAX_SESSION_ID_LENGTH = 512;

/** The session id, from the parameter or the consumer's item. */
export function sessionIdOf(context: SupplyContext<MemoryParameters>): string {
  const { parameters, node, consumer } = context;
  const fromItem = consumer.item?.json.sessionId;
  const raw = parameters.sessionIdType === "customKey" ? parameters.sessionKey : typeof fromItem === "string" || typeof fromItem === "number" ? String(fromItem) : undefined;
  const sessionId = raw?.trim();
  if (!sessionId) {
    const message =
      parameters.sessionIdType === "customKey"
        ? `Node "${node.name}": the session key is empty`
        : `Node "${node.name}": no session id: the item of "${consumer.name}" has no sessionId (connect a Chat Trigger, or set the session id type to customKey)`;
    throw new NodeExecutionError(message, { node: node.name }, { code: "memory_session_missing" });
  }
  if (sessionId.length > MAX_SESSION_ID_LENGTH) {
    throw new NodeExecutionError(`Node "${node.name}": the session id is longer than ${MAX_SESSION_ID_LENGTH} characters`, { node: node.name }, { code: "memory_session_invalid" });
  }
  return sessionId;
}

function supplyMemory(context: SupplyContext<MemoryParameters>): PostgresChatMemory {
  const { database } = context;
  if (!database) throw new NodeExecutionError(`Node "${context.node.name}": no database for the chat memory (SupplyContext.database)`, { node: context.node.name });
  return new PostgresChatMemory({ db: database, workspaceId: context.execution.workspaceId, sessionId: sessionIdOf(context), windowTurns: context.parameters.contextWindowLength });
}

const memoryPorts = {
  group: "ai" as const,
  inputs: [],
  outputs: [{ kind: "ai_memory" as const, name: "Memory" }],
  parameters: memoryParameters,
  parameterHints: {
    sessionIdType: { label: "Session ID", description: "fromInput: the chat's sessionId; customKey: an expression below" },
    sessionKey: { label: "Session key", placeholder: "{{ $json.sessionId }}", displayWhen: { sessionIdType: ["customKey"] } },
    contextWindowLength: { label: "Context window length", description: "How many past turns the agent sees" },
  },
  // The agent saves the turn idempotently (by its run's thread id); loading has no effect.
  sideEffects: false,
};

export const memoryPostgresChat = defineSubNode({
  type: "hetumind.memoryPostgresChat",
  version: 1,
  displayName: "Postgres Chat Memory",
  description: "Keeps an agent's conversation per session in the database: the agent sees the last turns of its session.",
  icon: "database",
  aliases: ["memory", "history", "session", "conversation"],
  ...memoryPorts,
  supply: supplyMemory,
});

export const memoryBufferWindow = defineSubNode({
  type: "hetumind.memoryBufferWindow",
  version: 1,
  displayName: "Window Buffer Memory",
  description: "The last k turns of the session's conversation (kept in the database, so it survives a restart).",
  icon: "history",
  aliases: ["memory", "buffer", "window"],
  ...memoryPorts,
  supply: supplyMemory,
});
