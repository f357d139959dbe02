import type { z } from "zod";
import type { ValidationProblem } from "@/lib/errors";
import { WorkflowValidationError } from "@/lib/errors";
import { hasExpression } from "./expressions";
import { outputsOf, type AnyNodeDefinition, type NodeRegistry } from "./node-definition";
import { workflowSchema, type Workflow } from "./schema";
import { mainAdjacency, stronglyConnectedComponents } from "./graph";

export type ValidationResult = { ok: true; workflow: Workflow; problems: [] } | { ok: false; problems: ValidationProblem[] };

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`;
    const name = String(key);
    return /^[A-Za-z_$][\w$]*$/.test(name) ? (text ? `${text}.${name}` : name) : `${text}[${JSON.stringify(name)}]`;
  }, "");
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Checks a node's parameters against its schema. A field that holds an expression (`{{ ... }}`) is checked when it is
 * resolved at run time, so schema issues on expression strings are not problems here.
 */
export function parameterProblems(definition: AnyNodeDefinition, parameters: Record<string, unknown>): Array<{ path: PropertyKey[]; message: string }> {
  const parsed = (definition.parameters as z.ZodType).safeParse(parameters);
  if (parsed.success) return [];
  return parsed.error.issues
    .filter((issue) => !hasExpression(valueAt(parameters, issue.path)))
    .map((issue) => ({ path: issue.path, message: issue.message }));
}

/** Every problem of a workflow at once: schema, node types, parameters, connections, sub-connections, cycles, trigger. */
export function validateWorkflow(input: unknown, registry: NodeRegistry): ValidationResult {
  const parsed = workflowSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const nodeIndex = issue.path[0] === "nodes" && typeof issue.path[1] === "number" ? issue.path[1] : undefined;
        const nodeName = nodeIndex === undefined ? undefined : valueAt(input, ["nodes", nodeIndex, "name"]);
        return {
          node: typeof nodeName === "string" ? nodeName : undefined,
          path: formatPath(issue.path),
          message: issue.message,
          code: "schema",
        };
      }),
    };
  }
  const workflow = parsed.data;
  const problems: ValidationProblem[] = [];
  const byName = new Map<string, { index: number; definition?: AnyNodeDefinition }>();

  workflow.nodes.forEach((node, index) => {
    if (byName.has(node.name)) {
      problems.push({ node: node.name, path: `nodes[${index}].name`, message: `another node is already named "${node.name}"`, code: "duplicate_name" });
    }
    const definition = registry.get(node.type);
    byName.set(node.name, { index, definition });
    if (!definition) {
      problems.push({ node: node.name, path: `nodes[${index}].type`, message: `unknown node type "${node.type}"`, code: "unknown_type" });
      return;
    }
    for (const issue of parameterProblems(definition, node.parameters)) {
      problems.push({
        node: node.name,
        path: formatPath(["nodes", index, "parameters", ...issue.path]),
        message: issue.message,
        code: "parameter",
      });
    }
  });

  const subConnectionCounts = new Map<string, number>();
  for (const [sourceName, byKind] of Object.entries(workflow.connections)) {
    const source = byName.get(sourceName);
    if (!source) {
      problems.push({ path: `connections[${JSON.stringify(sourceName)}]`, message: `connections from a node that does not exist: "${sourceName}"`, code: "dangling_connection" });
      continue;
    }
    const sourceNode = workflow.nodes[source.index];
    const sourceOutputs = source.definition ? outputsOf(source.definition, source.definition.parameters.safeParse(sourceNode.parameters).data ?? sourceNode.parameters) : undefined;
    for (const [kind, ports] of Object.entries(byKind ?? {})) {
      (ports ?? []).forEach((targets, outputIndex) => {
        const portPath = `connections[${JSON.stringify(sourceName)}].${kind}[${outputIndex}]`;
        if (sourceOutputs) {
          const kindOutputs = sourceOutputs.filter((port) => port.kind === kind);
          if (kindOutputs.length === 0) {
            problems.push({ node: sourceName, path: portPath, message: `"${sourceName}" (${sourceNode.type}) has no ${kind} output`, code: "kind_not_emitted" });
            return;
          }
          if (outputIndex >= kindOutputs.length) {
            problems.push({ node: sourceName, path: portPath, message: `"${sourceName}" has ${kindOutputs.length} ${kind} output(s); there is no output ${outputIndex}`, code: "no_such_output" });
          }
        }
        (targets ?? []).forEach((target, targetIndex) => {
          const targetPath = `${portPath}[${targetIndex}]`;
          const targetEntry = byName.get(target.node);
          if (!targetEntry) {
            problems.push({ node: sourceName, path: targetPath, message: `connection to a node that does not exist: "${target.node}"`, code: "dangling_connection" });
            return;
          }
          if (target.type !== kind) {
            problems.push({ node: sourceName, path: `${targetPath}.type`, message: `a ${kind} output cannot connect to a ${target.type} input`, code: "kind_mismatch" });
            return;
          }
          if (!targetEntry.definition) return;
          const accepted = targetEntry.definition.inputs.filter((port) => port.kind === kind);
          if (accepted.length === 0) {
            problems.push({
              node: target.node,
              path: targetPath,
              message: `"${target.node}" (${targetEntry.definition.type}) does not accept a ${kind} connection`,
              code: "kind_not_accepted",
            });
            return;
          }
          if (kind === "main" && target.index >= accepted.length) {
            problems.push({ node: target.node, path: `${targetPath}.index`, message: `"${target.node}" has ${accepted.length} main input(s); there is no input ${target.index}`, code: "no_such_input" });
          }
          // A disabled sub-node supplies nothing, so it does not count toward a required sub-connection.
          if (kind !== "main" && !sourceNode.disabled) {
            const key = `${target.node}\u0000${kind}`;
            subConnectionCounts.set(key, (subConnectionCounts.get(key) ?? 0) + 1);
          }
        });
      });
    }
  }

  workflow.nodes.forEach((node, index) => {
    const definition = byName.get(node.name)?.definition;
    if (!definition || node.disabled) return;
    for (const port of definition.inputs) {
      if (port.kind === "main") continue;
      const count = subConnectionCounts.get(`${node.name}\u0000${port.kind}`) ?? 0;
      if (port.required && count === 0) {
        problems.push({ node: node.name, path: `nodes[${index}]`, message: `"${node.name}" needs a ${port.name ?? port.kind} (${port.kind}) connected`, code: "missing_sub_connection" });
      }
      if (port.maxConnections !== undefined && count > port.maxConnections) {
        problems.push({
          node: node.name,
          path: `nodes[${index}]`,
          message: `"${node.name}" accepts at most ${port.maxConnections} ${port.kind} connection(s); ${count} are connected`,
          code: "too_many_sub_connections",
        });
      }
    }
  });

  const adjacency = mainAdjacency(workflow);
  for (const component of stronglyConnectedComponents(workflow.nodes.map((node) => node.name), adjacency)) {
    const isCycle = component.length > 1 || (adjacency.get(component[0])?.has(component[0]) ?? false);
    if (!isCycle) continue;
    const passesLoopNode = component.some((name) => byName.get(name)?.definition?.loop === true);
    if (!passesLoopNode) {
      problems.push({
        node: component[0],
        path: "connections",
        message: `cycle through main connections without a loop node: ${[...component, component[0]].map((name) => `"${name}"`).join(" -> ")} (use Loop Over Items to repeat)`,
        code: "cycle",
      });
    }
  }

  const hasTrigger = workflow.nodes.some((node) => !node.disabled && byName.get(node.name)?.definition?.trigger === true);
  if (!hasTrigger) {
    problems.push({ path: "nodes", message: "the workflow has no trigger node: add a Manual Trigger (or another trigger) to start it", code: "no_trigger" });
  }

  return problems.length === 0 ? { ok: true, workflow, problems: [] } : { ok: false, problems };
}

/** Validates and returns the parsed workflow, or throws a `WorkflowValidationError` with every problem. */
export function assertValidWorkflow(input: unknown, registry: NodeRegistry): Workflow {
  const result = validateWorkflow(input, registry);
  if (!result.ok) throw new WorkflowValidationError(result.problems);
  return result.workflow;
}
