import type { JsonObject, JsonValue } from "@/lib/workflow/items";

/**
 * One tool an agent can call, whatever supplies it (a tool sub-node, an MCP server's tool list, a workflow).
 * The agent offers `name`, `description` and `inputSchema` to the model; when the model asks for the tool, the agent
 * validates the arguments against `inputSchema` (lib/ai/json-schema.ts) and calls `call`. A tool that throws gives the
 * model its error as the tool result; the run goes on.
 */
export interface AgentTool {
  /** Unique among one agent's tools; the model sees it (letters, digits, `_` and `-`, at most 64). */
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12 or 7) of the arguments object. */
  inputSchema: JsonObject;
  /**
   * True when a call has no effect outside the run: it reads and changes nothing elsewhere (sandboxed code, arithmetic).
   * Such a call may start before the agent's step before it is on disk (a crash then runs it again, which changes
   * nothing); any other tool starts only once every checkpoint before it is stored (agents/agent-stepper.ts).
   */
  pure?: boolean;
  call(args: JsonValue, context: AgentToolCallContext): Promise<JsonValue>;
}

export interface AgentToolCallContext {
  /** Aborted when the execution is cancelled or the tool's timeout passes. */
  signal: AbortSignal;
  /** The model's id for this call; stable across a replay of the same step. */
  toolCallId: string;
  /** `executionId:agentNode:toolCallId`: tools with side effects pass it on (HTTP sends `Idempotency-Key`). */
  idempotencyKey: string;
}
