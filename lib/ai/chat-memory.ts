import type { ModelMessage } from "ai";
import type { ExecutionWrite } from "@/lib/workflow/node-definition";

/**
 * What an `ai_memory` sub-node supplies: the conversation so far, and a way to add a turn. Messages are AI SDK
 * `ModelMessage`s (the one format of state and memory tables).
 */
export interface ChatMemory {
  /** The messages to put before the new user message (a window of the last turns). */
  load(): Promise<ModelMessage[]>;
  /**
   * Adds one turn (the user message, the assistant's and tools' messages). `turnId` is stable across a replay of the same
   * agent run (its thread id), so an implementation stores a turn once even when a crash makes the agent save it again.
   */
  save(turn: ChatTurn): Promise<void>;
  /** `save` as a statement to run inside the execution's next write (`ExecuteContext.withNextWrite`), when it can be one. */
  saveWrite?(turn: ChatTurn): ExecutionWrite;
}

export interface ChatTurn {
  turnId: string;
  messages: ModelMessage[];
  /** No earlier try can have stored this turn (the execution's first try of the node): it is new for sure. */
  firstTry?: boolean;
}

export function isChatMemory(value: unknown): value is ChatMemory {
  if (value === null || typeof value !== "object") return false;
  const candidate = value as Partial<ChatMemory>;
  return typeof candidate.load === "function" && typeof candidate.save === "function";
}
