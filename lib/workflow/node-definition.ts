import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { SQL } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import type { z } from "zod";
import type { ConnectionKind, SubConnectionKind } from "./connection-kinds";
import type { Item, JsonObject, JsonValue, NodeOutput } from "./items";
import type { Supplied, SuppliedValue } from "./supplied";
import type { ModelCallUsage } from "./usage";

/** A port of a node: a `main` input/output or a sub-connection it accepts or supplies. */
export interface PortDeclaration {
  kind: ConnectionKind;
  /** Label shown in the editor ("true", "false", "loop", "done", "Model"). */
  name?: string;
  /** For sub-connection inputs: the workflow is invalid without one. */
  required?: boolean;
  /** For sub-connection inputs: how many sources may connect (1 for a model or a memory). */
  maxConnections?: number;
}

export type NodeGroup = "trigger" | "flow" | "transform" | "core" | "ai";

/** UI hints for one parameter path; the editor renders a form from the schema plus these. */
export interface ParameterHint {
  label?: string;
  placeholder?: string;
  description?: string;
  /** Rendered as a code editor (and never evaluated as an expression). */
  editor?: "code" | "json" | "text";
  /** Show only when another parameter has one of these values. */
  displayWhen?: Record<string, Array<string | number | boolean>>;
}

export interface NodeLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What a paused node hands to the human (or the timer), and what it receives back on resume. */
export type PauseRequest =
  | { kind: "approval"; message: string; data: JsonValue }
  | { kind: "timer"; resumeAt: string };

export type ResumeValue =
  | { kind: "approval"; decision: "approve" | "reject"; data?: JsonValue; comment?: string }
  | { kind: "timer" };

export interface WorkflowReference {
  /** A stored workflow's id, or a path to a workflow file (CLI only). */
  source: "id" | "file";
  value: string;
}

/**
 * What the engine hands a node's `execute`. A node never imports the engine; everything it may touch comes through here.
 */
export interface ExecuteContext<Parameters> {
  node: { id: string; name: string; type: string };
  execution: { id: string; mode: "manual" | "trigger" | "cli" | "subworkflow"; workspaceId: string };
  workflow: { id?: string; name: string };
  /** Items on each main input (index = input index). `null` where that input did not fire. */
  inputs: Array<Item[] | null>;
  /** Shorthand for the items on input 0. */
  items: Item[];
  /**
   * The node's parameters with every `{{ expression }}` resolved for one item, parsed by the node's schema.
   * Without an index: resolved against the first item (what "run once for all items" nodes use).
   */
  parameters(itemIndex?: number): Parameters;
  /** The parameters as written, before expressions: for nodes that evaluate code themselves. */
  rawParameters: Record<string, unknown>;
  /** `executionId:nodeName:attempt` — nodes with side effects pass it downstream (HTTP sends `Idempotency-Key`). */
  idempotencyKey: string;
  attempt: number;
  signal: AbortSignal;
  logger: NodeLogger;
  /**
   * Pauses the execution. Returns the value it is resumed with. Only nodes declared `pauses: true` may call it,
   * and only before any other effect: on resume the node runs again from the top and this call returns the resume value.
   */
  pause(request: PauseRequest): ResumeValue;
  /** Runs another workflow to completion and returns its last node's output items. */
  runWorkflow(reference: WorkflowReference, items: Item[]): Promise<Item[]>;
  /**
   * The latest items on main output 0 of another node of this execution (what `$('Name')` / `$node["Name"]` read in
   * expressions and Code nodes); `undefined` when that node does not exist or has not run yet.
   */
  nodeOutput(name: string): Item[] | undefined;
  /**
   * This node's memory across its activations within one execution (Loop Over Items keeps its batches here).
   * JSON only; mutate it in place; it is checkpointed with the execution.
   */
  state: JsonObject;
  /** Milliseconds left before the execution's timeout (Infinity when none). */
  timeRemaining(): number;
  /**
   * The decrypted fields of the credential of this type that the workflow node references (`credentials: { <type>: { id } }`),
   * loaded from the execution's workspace; `undefined` when the node references none (and the declaration does not require
   * one). Only types the node declares in `credentials` may be asked for. Never put the values in output items or logs.
   * Provided by the engine; optional so that hand-built test contexts need not supply it.
   */
  getCredential?(type: string): Promise<Record<string, string> | undefined>;
  /**
   * What the sub-nodes connected to this node's `kind` input supply (a model, tools, a memory, an output parser), one entry
   * per enabled source, in connection order. Each source's parameters are resolved against this node's item `itemIndex`
   * (default 0), its credentials come from this execution's workspace, then its `supply` runs. See docs/ai.md.
   * Provided by the engine; optional so that hand-built test contexts need not supply it.
   */
  supplied?<Kind extends SubConnectionKind>(kind: Kind, itemIndex?: number): Promise<Array<Supplied<Kind>>>;
  /** How many times this node ran before in this execution (0 for its first run): with the execution id and the node's name it names durable sub-state. */
  runIndex?: number;
  /**
   * True when nothing durable of this node run can exist yet: the first try, in an execution this process just created
   * (not a retry, not a resume after a crash or a pause). A node with durable sub-state (the AI Agent's thread) need not
   * look it up then. Absent: look it up.
   */
  firstTry?: boolean;
  /**
   * The execution's LangGraph checkpointer, for nodes that run a subgraph of their own (the AI Agent) under a thread derived from
   * `${execution.id}/${node.name}/${runIndex}`, so that a re-run after a crash resumes it. Optional for hand-built contexts.
   */
  checkpointer?: BaseCheckpointSaver;
  /**
   * Records one model call's token usage and cost on this node run (the execution's per-node table and API show the sums
   * and each call). Optional for hand-built contexts.
   */
  recordUsage?(usage: ModelCallUsage): void;
  /**
   * Hands the engine a write to make in the execution's next write, the one that records this node's result (the
   * checkpoint after the segment, or the execution's end): atomically with it and without a round trip of its own. The
   * AI Agent gives it its last item's memory turn. Absent outside the engine: write directly then.
   */
  withNextWrite?(write: ExecutionWrite): void;
}

/**
 * A data-modifying statement written inside another (a CTE). `condition`: a boolean SQL expression of that statement
 * (e.g. "the execution did move"); the write takes effect only where it holds. `committed`, when given, is called once
 * the statement that carried it has committed with the condition holding (never when it failed or was refused).
 */
export type ExecutionWrite = ((condition: SQL) => SQL) & { committed?(): void };

/**
 * What the engine hands a sub-node's `supply`: its own parameters (expressions resolved against the *consumer's* current item),
 * its credentials, and the consumer it supplies. A sub-node never sees items and never runs as a step of its own.
 */
export interface SupplyContext<Parameters> {
  node: { id: string; name: string; type: string };
  /** The node asking (an agent, a chain) and the item it is working on (`item`: that item, when it has one). */
  consumer: { name: string; type: string; itemIndex: number; idempotencyKey: string; item?: Item };
  /** The kind of connection being resolved (a node may supply several kinds). */
  kind: SubConnectionKind;
  execution: { id: string; mode: "manual" | "trigger" | "cli" | "subworkflow"; workspaceId: string };
  workflow: { id?: string; name: string };
  /** Parsed by the node's schema, after expressions. */
  parameters: Parameters;
  rawParameters: Record<string, unknown>;
  signal: AbortSignal;
  logger: NodeLogger;
  /** As `ExecuteContext.getCredential`, for this sub-node's own credential references. */
  getCredential(type: string): Promise<Record<string, string> | undefined>;
  /** Sub-nodes may consume sub-nodes too (a vector store tool takes an embedding model). */
  supplied<Kind extends SubConnectionKind>(kind: Kind): Promise<Array<Supplied<Kind>>>;
  timeRemaining(): number;
  /**
   * Runs another workflow to completion (the Workflow tool). `idempotencyKey` names this run: the same key on a replay
   * reuses the same child execution, so pass the tool call's key, not the consumer's. Optional for hand-built contexts.
   */
  runWorkflow?(reference: WorkflowReference, items: Item[], idempotencyKey: string): Promise<Item[]>;
  /**
   * The execution's database (where it is recorded), for sub-nodes that keep data of their own scoped by
   * `execution.workspaceId` (Postgres Chat Memory). Optional for hand-built contexts.
   */
  database?: Database;
}

/** A credential type a node can use (lib/credentials/types.ts), referenced from the workflow node's `credentials`. */
export interface NodeCredentialDeclaration {
  type: string;
  /** The node cannot run without one. */
  required?: boolean;
}

interface NodeDeclaration<Schema extends z.ZodType> {
  type: string;
  version: number;
  displayName: string;
  description: string;
  group: NodeGroup;
  /** A lucide icon name. */
  icon: string;
  aliases?: string[];
  /** Marks a node that starts executions. Every workflow needs one. */
  trigger?: boolean;
  inputs: PortDeclaration[];
  /** Outputs may depend on the parameters (Switch has one per rule, plus fallback). */
  outputs: PortDeclaration[] | ((parameters: z.infer<Schema>) => PortDeclaration[]);
  parameters: Schema;
  parameterHints?: Record<string, ParameterHint>;
  /** Parameter keys whose strings are code, not templates: never expression-evaluated. */
  rawParameterKeys?: string[];
  /** Ends a segment: the execution is checkpointed right after this node runs (HTTP, model calls, sub-workflows). */
  sideEffects: boolean;
  /**
   * With `sideEffects`: what the node does outside the run waits for what it writes itself, and that waits for the
   * execution's row (the AI Agent: a tool that is not pure starts once the agent's checkpoints are stored). The engine
   * then starts the node while the execution's row is still being written (`StartRequest.deferRecord`); any other
   * side-effect node starts once the row is written.
   */
  effectsFollowItsCheckpoints?: boolean;
  /** Calls `context.pause()`: starts a segment of its own. */
  pauses?: boolean;
  /** May close a cycle through `main` (Loop Over Items). */
  loop?: boolean;
  /** Credential types the node can use (`context.getCredential(type)`). */
  credentials?: NodeCredentialDeclaration[];
}

/** A node that runs on items: `main` inputs and outputs (or a trigger). */
export interface NodeDefinition<Schema extends z.ZodType = z.ZodType> extends NodeDeclaration<Schema> {
  execute(context: ExecuteContext<z.infer<Schema>>): Promise<NodeOutput> | NodeOutput;
  supply?: never;
}

/**
 * A sub-node: every output is a sub-connection kind (`ai_languageModel`, `ai_tool`, ...). It never runs on items; a consumer
 * asks for what it supplies (`context.supplied(kind)`) and the engine calls `supply` then. See docs/ai.md.
 */
export interface SubNodeDefinition<Schema extends z.ZodType = z.ZodType> extends NodeDeclaration<Schema> {
  supply(context: SupplyContext<z.infer<Schema>>): Promise<SuppliedValue> | SuppliedValue;
  execute?: never;
}

/** Erases the parameter type so definitions of different nodes fit one registry array. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds definitions of many parameter types
export type AnyNodeDefinition = NodeDefinition<any> | SubNodeDefinition<any>;

/** Declares a node with its parameter type inferred from its schema. */
export function defineNode<Schema extends z.ZodType>(definition: NodeDefinition<Schema>): NodeDefinition<Schema> {
  return definition;
}

/** Declares a sub-node (it supplies an object to the node it is connected to) with its parameter type inferred from its schema. */
export function defineSubNode<Schema extends z.ZodType>(definition: SubNodeDefinition<Schema>): SubNodeDefinition<Schema> {
  return definition;
}

/** Whether a definition is a sub-node (declares `supply`). */
export function isSubNode(definition: AnyNodeDefinition): definition is SubNodeDefinition<z.ZodType> {
  return typeof definition.supply === "function";
}

export function outputsOf(definition: AnyNodeDefinition, parameters: unknown): PortDeclaration[] {
  return typeof definition.outputs === "function" ? definition.outputs(parameters) : definition.outputs;
}

export type NodeRegistry = ReadonlyMap<string, AnyNodeDefinition>;
