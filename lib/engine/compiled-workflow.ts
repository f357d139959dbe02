import type { z } from "zod";
import type { SubConnectionKind } from "@/lib/workflow/connection-kinds";
import type { AnyNodeDefinition, NodeRegistry } from "@/lib/workflow/node-definition";
import { outputsOf } from "@/lib/workflow/node-definition";
import type { Workflow, WorkflowNode } from "@/lib/workflow/schema";
import { assertValidWorkflow } from "@/lib/workflow/validate";
import { ParameterPlan } from "./parameter-plan";

export interface CompiledTarget {
  node: string;
  index: number;
}

/** A workflow node with everything the interpreter needs precomputed once. */
export interface CompiledNode {
  node: WorkflowNode;
  definition: AnyNodeDefinition;
  /** Number of `main` inputs. */
  inputCount: number;
  /** `main` targets per output index. */
  outgoing: CompiledTarget[][];
  /** Source node names per `main` input index. */
  incomingSources: string[][];
  /** The parameters parsed once, when no parameter holds an expression. */
  staticParameters?: unknown;
  /** How expressions in the parameters are resolved per item (when there are any). */
  parameterPlan: ParameterPlan;
  rawParameterKeys: string[];
  /** Sub-nodes connected to this node, by kind, in connection order (what `context.supplied(kind)` resolves). */
  suppliers: Partial<Record<SubConnectionKind, string[]>>;
}

/** The interpreter's view of a validated workflow. */
export interface CompiledWorkflow {
  workflow: Workflow;
  nodes: Map<string, CompiledNode>;
  triggers: string[];
  /** Nodes whose outputs later expressions or code may reference (`$('X')`, `$node["X"]`); `all` when undecidable. */
  referencedOutputs: Set<string> | "all";
  sideEffectNodes: number;
  pauseNodes: number;
  hasLoop: boolean;
}

const QUOTED_REFERENCE = /\$\(\s*(['"`])((?:(?!\1).)+)\1\s*\)|\$node\[\s*(['"`])((?:(?!\3).)+)\3\s*\]|\$node\.([A-Za-z_$][\w$]*)/g;
const ANY_REFERENCE = /\$\(|\$node\b/g;

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) value.forEach((entry) => collectStrings(entry, into));
  else if (value && typeof value === "object") Object.values(value).forEach((entry) => collectStrings(entry, into));
}

/** Finds which node outputs must be kept for `$('Name')` references; any dynamic reference keeps them all. */
export function referencedNodeOutputs(workflow: Workflow): Set<string> | "all" {
  const names = new Set<string>();
  const strings: string[] = [];
  workflow.nodes.forEach((node) => collectStrings(node.parameters, strings));
  for (const text of strings) {
    const all = text.match(ANY_REFERENCE)?.length ?? 0;
    let quoted = 0;
    for (const match of text.matchAll(QUOTED_REFERENCE)) {
      quoted += 1;
      names.add(match[2] ?? match[4] ?? match[5]);
    }
    if (all > quoted) return "all";
  }
  return names;
}

function compileNode(node: WorkflowNode, definition: AnyNodeDefinition, workflow: Workflow): CompiledNode {
  const inputCount = definition.inputs.filter((port) => port.kind === "main").length;
  const outputCount = outputsOf(definition, (definition.parameters as z.ZodType).safeParse(node.parameters).data ?? node.parameters).filter(
    (port) => port.kind === "main",
  ).length;
  const outgoing: CompiledTarget[][] = Array.from({ length: outputCount }, () => []);
  (workflow.connections[node.name]?.main ?? []).forEach((targets, outputIndex) => {
    if (outputIndex >= outgoing.length) return;
    for (const target of targets ?? []) outgoing[outputIndex].push({ node: target.node, index: target.index });
  });
  const rawParameterKeys = definition.rawParameterKeys ?? [];
  const parameterPlan = new ParameterPlan(node.parameters, definition.parameters as z.ZodType, node.name, rawParameterKeys);
  const staticParameters = parameterPlan.hasTemplates ? undefined : (definition.parameters as z.ZodType).parse(node.parameters);
  return { node, definition, inputCount, outgoing, incomingSources: Array.from({ length: inputCount }, () => []), staticParameters, parameterPlan, rawParameterKeys, suppliers: {} };
}

/** Validates a workflow and precomputes its interpreter view. Throws `WorkflowValidationError` with every problem. */
export function compileWorkflow(input: unknown, registry: NodeRegistry): CompiledWorkflow {
  const workflow = assertValidWorkflow(input, registry);
  const nodes = new Map<string, CompiledNode>();
  for (const node of workflow.nodes) nodes.set(node.name, compileNode(node, registry.get(node.type)!, workflow));
  for (const [source, compiled] of nodes) {
    for (const targets of compiled.outgoing) {
      for (const target of targets) nodes.get(target.node)?.incomingSources[target.index]?.push(source);
    }
    for (const [kind, ports] of Object.entries(workflow.connections[source] ?? {})) {
      if (kind === "main") continue;
      for (const targets of ports ?? []) {
        for (const target of targets ?? []) {
          const suppliers = nodes.get(target.node)?.suppliers;
          if (suppliers) (suppliers[kind as SubConnectionKind] ??= []).push(source);
        }
      }
    }
  }
  const enabled = [...nodes.values()].filter((compiled) => !compiled.node.disabled);
  return {
    workflow,
    nodes,
    triggers: enabled.filter((compiled) => compiled.definition.trigger).map((compiled) => compiled.node.name),
    referencedOutputs: referencedNodeOutputs(workflow),
    sideEffectNodes: enabled.filter((compiled) => compiled.definition.sideEffects).length,
    pauseNodes: enabled.filter((compiled) => compiled.definition.pauses).length,
    hasLoop: enabled.some((compiled) => compiled.definition.loop),
  };
}

const CACHE_LIMIT = 200;
const compiledCache = new Map<string, CompiledWorkflow>();

/**
 * `compileWorkflow` memoised by the workflow's JSON text (the same workflow runs many times: a webhook, a schedule, a
 * bench). Validation of a 1,000-node workflow costs ~20 ms; the key costs ~1 ms. Least recently used entries are evicted.
 */
export function compileWorkflowCached(input: unknown, registry: NodeRegistry): CompiledWorkflow {
  const key = JSON.stringify(input);
  const cached = compiledCache.get(key);
  if (cached) {
    compiledCache.delete(key);
    compiledCache.set(key, cached);
    return cached;
  }
  const compiled = compileWorkflow(input, registry);
  compiledCache.set(key, compiled);
  if (compiledCache.size > CACHE_LIMIT) compiledCache.delete(compiledCache.keys().next().value as string);
  return compiled;
}
