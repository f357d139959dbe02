/**
 * Resolves what sub-nodes supply to a consumer (`context.supplied(kind, itemIndex)`): for each enabled source connected to the
 * consumer's `kind` input, its parameters are resolved against the consumer's item, its credentials are loaded from the
 * execution's workspace, and its `supply` runs; the result is checked against the kind's contract here, in one place.
 */
import type { Database } from "@/lib/db/client";
import { HetumindError, NodeExecutionError } from "@/lib/errors";
import { isChatMemory } from "@/lib/ai/chat-memory";
import { isChatModel } from "@/lib/ai/chat-model";
import { isOutputParser } from "@/lib/ai/output-parser";
import type { SubConnectionKind } from "@/lib/workflow/connection-kinds";
import type { ExpressionData } from "@/lib/workflow/expressions";
import { isSubNode, type SupplyContext } from "@/lib/workflow/node-definition";
import type { Supplied, SuppliedValue } from "@/lib/workflow/supplied";
import type { CompiledNode } from "./compiled-workflow";
import type { SegmentEnvironment } from "./interpreter";

/** The database a saver writes to, when it says (DrizzleCheckpointSaver.database). */
function databaseOf(saver: SegmentEnvironment["checkpointer"]): Database | undefined {
  const database = (saver as { database?: Database } | undefined)?.database;
  return database ?? undefined;
}

/** How deep sub-nodes may consume sub-nodes (a cycle of sub-connections stops here with an error). */
const MAX_SUPPLY_DEPTH = 8;

function isAgentToolLike(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const tool = value as Record<string, unknown>;
  return typeof tool.name === "string" && typeof tool.description === "string" && typeof tool.call === "function" && typeof tool.inputSchema === "object" && tool.inputSchema !== null;
}

/** What each kind must look like; kinds without an interface yet accept any non-null value. */
function suppliedConforms(kind: SubConnectionKind, value: SuppliedValue): boolean {
  switch (kind) {
    case "ai_languageModel":
      return isChatModel(value);
    case "ai_tool":
      return Array.isArray(value) ? value.every(isAgentToolLike) : isAgentToolLike(value);
    case "ai_outputParser":
      return isOutputParser(value);
    case "ai_memory":
      return isChatMemory(value);
    default:
      return value !== null && value !== undefined;
  }
}

export interface SupplyRequest {
  consumer: CompiledNode;
  /** The consumer's `executionId:node:attempt`. */
  idempotencyKey: string;
  /** The expression data of the consumer's item `itemIndex` (what `$json` means in a sub-node's parameters). */
  expressionData(itemIndex: number): ExpressionData;
}

type Resolver = <Kind extends SubConnectionKind>(kind: Kind, itemIndex?: number) => Promise<Array<Supplied<Kind>>>;

/** The consumer's `supplied` function. */
export function suppliedResolver(env: SegmentEnvironment, request: SupplyRequest): Resolver {
  const resolveFor = (holder: CompiledNode, chain: string[], itemIndex: number): Resolver =>
    async <Kind extends SubConnectionKind>(kind: Kind): Promise<Array<Supplied<Kind>>> => {
      const names = holder.suppliers[kind] ?? [];
      const results: Array<Supplied<Kind>> = [];
      for (const name of names) {
        const source = env.compiled.nodes.get(name);
        if (!source || source.node.disabled) continue;
        results.push(await supplyOne(source, kind, [...chain, holder.node.name], itemIndex));
      }
      return results;
    };

  const supplyOne = async <Kind extends SubConnectionKind>(source: CompiledNode, kind: Kind, chain: string[], itemIndex: number): Promise<Supplied<Kind>> => {
    const { node, definition } = source;
    const consumer = request.consumer.node.name;
    if (!isSubNode(definition)) {
      throw new NodeExecutionError(`Node "${consumer}": "${node.name}" (${node.type}) is connected as ${kind} but supplies nothing`, { node: consumer, source: node.name, kind }, { code: "not_a_sub_node" });
    }
    if (chain.includes(node.name) || chain.length > MAX_SUPPLY_DEPTH) {
      throw new NodeExecutionError(`Node "${consumer}": sub-connections form a cycle through "${node.name}"`, { node: consumer, source: node.name, kind }, { code: "sub_connection_cycle" });
    }
    let parameters: unknown;
    try {
      parameters = source.staticParameters ?? source.parameterPlan.resolver(request.expressionData)(itemIndex);
    } catch (error) {
      throw new NodeExecutionError(`Node "${consumer}": sub-node "${node.name}": ${error instanceof Error ? error.message : String(error)}`, { node: consumer, source: node.name, kind }, { cause: error, code: "sub_node_failed" });
    }
    const context: SupplyContext<unknown> = {
      node: { id: node.id, name: node.name, type: node.type },
      consumer: { name: consumer, type: request.consumer.node.type, itemIndex, idempotencyKey: request.idempotencyKey, item: request.expressionData(itemIndex).item },
      kind,
      execution: { id: env.executionId, mode: env.mode, workspaceId: env.workspaceId },
      workflow: { id: env.compiled.workflow.id, name: env.compiled.workflow.name },
      parameters,
      rawParameters: node.parameters,
      signal: env.signal,
      logger: env.logger,
      getCredential: async (type) => {
        if (!env.getCredential) throw new NodeExecutionError(`Node "${node.name}": credentials are not available here`, { node: node.name });
        return env.getCredential(type, source);
      },
      supplied: (innerKind) => resolveFor(source, chain, itemIndex)(innerKind),
      timeRemaining: () => env.deadline - Date.now(),
      runWorkflow: (reference, items, idempotencyKey) => env.runWorkflow(reference, items, { node: node.name, idempotencyKey }),
      database: env.database ?? databaseOf(env.checkpointer),
    };
    let value: SuppliedValue;
    try {
      value = await definition.supply(context);
    } catch (error) {
      // Errors that already name a node (a missing credential, a parameter) say enough.
      if (HetumindError.isInstance(error) && error.fields.node !== undefined) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new NodeExecutionError(`Node "${node.name}" (supplying ${kind} to "${consumer}"): ${message}`, { node: node.name, consumer, kind }, { cause: error, code: "sub_node_failed" });
    }
    if (!suppliedConforms(kind, value)) {
      throw new NodeExecutionError(`Node "${node.name}" (${node.type}) did not supply a valid ${kind} to "${consumer}"`, { node: node.name, consumer, kind }, { code: "sub_node_invalid_supply" });
    }
    return value as Supplied<Kind>;
  };

  return (kind, itemIndex = 0) => resolveFor(request.consumer, [], itemIndex)(kind);
}
