/**
 * n8n export -> our workflow + an import report. Pure: no database (the caller passes the workspace's credentials to
 * link references by type and name). Every node is kept: a node we cannot map becomes a disabled No-Op holding n8n's
 * type and parameters (`parameters.n8n`), so nothing in the export is lost and the user sees what to replace.
 */
import { randomUUID } from "node:crypto";
import { WorkflowValidationError } from "@/lib/errors";
import { CONNECTION_KINDS, type ConnectionKind } from "@/lib/workflow/connection-kinds";
import type { NodeRegistry } from "@/lib/workflow/node-definition";
import type { WorkflowInput } from "@/lib/workflow/schema";
import { parameterProblems } from "@/lib/workflow/validate";
import { isN8nType } from "./detect";
import { normalizeParameters } from "./expressions";
import { aiMappers } from "./map-ai";
import { toolMappers } from "./map-ai-tools";
import { dataMappers } from "./map-data";
import { flowMappers } from "./map-flow";
import { triggerMappers } from "./map-triggers";
import type { MapContext, MapperTable } from "./mapper";
import { emptyReport, n8nWorkflowSchema, type CredentialPlaceholder, type ImportReport, type N8nNode } from "./types";
import { record, type Parameters } from "./values";

/** Every n8n node type we map, to the module that maps it. */
export const n8nMappers: MapperTable = { ...triggerMappers, ...flowMappers, ...dataMappers, ...aiMappers, ...toolMappers };

/** A credential reference the user still has to fill: `placeholder:<n8n id>`. */
export const CREDENTIAL_PLACEHOLDER_PREFIX = "placeholder:";

export function isCredentialPlaceholder(id: string): boolean {
  return id.startsWith(CREDENTIAL_PLACEHOLDER_PREFIX);
}

export interface ExistingCredential {
  id: string;
  name: string;
  type: string;
}

/** `n8n-nodes-langchain.agent` (older exports) -> `@n8n/n8n-nodes-langchain.agent`. */
function canonicalType(type: string): string {
  return type.startsWith("n8n-nodes-langchain.") ? `@n8n/${type}` : type;
}

type OurNode = NonNullable<WorkflowInput["nodes"]>[number];

/** The placeholder for a node we could not map: a disabled No-Op that keeps n8n's type, version and parameters. */
function placeholderNode(base: OurNode, node: N8nNode, reason: string): OurNode {
  return {
    ...base,
    type: "hetumind.noOp",
    typeVersion: 1,
    parameters: { n8n: { type: node.type, typeVersion: node.typeVersion, parameters: node.parameters, ...(node.credentials ? { credentials: node.credentials } : {}) } },
    credentials: undefined,
    disabled: true,
    notes: [`Imported from n8n (${node.type} v${node.typeVersion}) and disabled: ${reason}`, node.notes].filter(Boolean).join("\n\n"),
  };
}

function clamp(value: number | undefined, min: number, max: number): number | undefined {
  return value === undefined ? undefined : Math.min(max, Math.max(min, Math.round(value)));
}

function onErrorOf(node: N8nNode): OurNode["onError"] {
  if (node.onError === "continueRegularOutput" || node.onError === "continueErrorOutput" || node.onError === "stopWorkflow") return node.onError;
  return node.continueOnFail === true ? "continueRegularOutput" : undefined;
}

export interface ConvertedWorkflow {
  workflow: WorkflowInput;
  report: ImportReport;
}

/** Maps an n8n export. Throws `WorkflowValidationError` when the document is not a workflow export at all. */
export function convertN8nWorkflow(document: unknown, registry: NodeRegistry, existingCredentials: readonly ExistingCredential[] = []): ConvertedWorkflow {
  const parsed = n8nWorkflowSchema.safeParse(document);
  if (!parsed.success) {
    throw new WorkflowValidationError(parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message, code: "schema" })));
  }
  const source = parsed.data;
  const report = emptyReport("n8n");
  const names = new Set<string>();
  const placeholders = new Set<string>();
  const nodes: OurNode[] = [];

  for (const node of source.nodes) {
    names.add(node.name);
    const type = canonicalType(node.type);
    const label = `${node.type}@${node.typeVersion}`;
    const base: OurNode = {
      id: node.id && node.id !== "" ? node.id : randomUUID(),
      name: node.name,
      type: node.type,
      typeVersion: 1,
      position: node.position ?? [0, 0],
      parameters: {},
      ...(node.disabled ? { disabled: true } : {}),
      ...(node.retryOnFail ? { retryOnFail: true, maxTries: clamp(node.maxTries ?? 3, 1, 10), waitBetweenTries: clamp(node.waitBetweenTries ?? 1000, 0, 60_000) } : {}),
      ...(onErrorOf(node) ? { onError: onErrorOf(node) } : {}),
      ...(node.alwaysOutputData ? { alwaysOutputData: true } : {}),
      ...(node.notes ? { notes: node.notes } : {}),
    };
    if (node.type.startsWith("hetumind.")) {
      nodes.push({ ...base, type: node.type, typeVersion: node.typeVersion, parameters: node.parameters, credentials: node.credentials as OurNode["credentials"] });
      continue;
    }
    const keep = (reason: string) => {
      report.unsupported.push({ node: node.name, type: node.type, typeVersion: node.typeVersion, reason });
      placeholders.add(node.name);
      for (const [n8nType, reference] of Object.entries(node.credentials ?? {})) {
        report.credentials.push({ node: node.name, n8nType, n8nId: reference.id == null ? undefined : String(reference.id), n8nName: reference.name, status: "dropped", reason: "the node was not imported (see unsupported)" });
      }
      nodes.push(placeholderNode(base, node, reason));
    };
    const entry = isN8nType(type) ? n8nMappers[type] : undefined;
    if (!entry) {
      keep(isN8nType(type) ? "no equivalent node type in Hetumind" : "not an n8n core or AI node (community nodes are not supported)");
      continue;
    }

    const warnings: ImportReport["warnings"] = [];
    const claimed = new Map<string, string>();
    const dropped = new Map<string, string>();
    const credentials: Record<string, { id?: string; name?: string }> = Object.fromEntries(
      Object.entries(node.credentials ?? {}).map(([key, reference]) => [key, { id: reference.id == null ? undefined : String(reference.id), name: reference.name }]),
    );
    const context: MapContext = {
      name: node.name,
      typeVersion: node.typeVersion,
      webhookId: node.webhookId,
      credentials,
      warn: (message, path) => warnings.push({ node: node.name, ...(path ? { path } : {}), message }),
      clearWarnings: (pathPrefix, about) => {
        for (let index = warnings.length - 1; index >= 0; index--) {
          const warning = warnings[index]!;
          if (warning.path?.startsWith(pathPrefix) && (about === undefined || warning.message.includes(about))) warnings.splice(index, 1);
        }
      },
      useCredential: (n8nType, ourType) => claimed.set(n8nType, ourType),
      dropCredential: (n8nType, reason) => dropped.set(n8nType, reason),
    };
    const parameters = normalizeParameters(node.parameters, { node: node.name, warnings, rawKeys: entry.rawKeys });
    let result;
    try {
      result = entry.map(parameters, context);
    } catch (error) {
      result = { unsupported: `could not map its parameters: ${(error as Error).message}` };
    }
    if ("unsupported" in result) {
      keep(result.unsupported);
      continue;
    }
    const definition = registry.get(result.type);
    if (!definition) {
      keep(`its equivalent ${result.type} is not available in this installation`);
      continue;
    }
    const problems = parameterProblems(definition, result.parameters);
    if (problems.length > 0) {
      keep(`its parameters do not fit ${result.type}: ${problems.map((problem) => `${problem.path.join(".") || "(parameters)"}: ${problem.message}`).join("; ")}`);
      continue;
    }
    report.warnings.push(...warnings);

    // Credentials: claimed ones become references (linked by type and name, or placeholders); the rest are dropped.
    const declared = new Set((definition.credentials ?? []).map((declaration) => declaration.type));
    const references: NonNullable<OurNode["credentials"]> = {};
    for (const [n8nType, reference] of Object.entries(credentials)) {
      const ourType = claimed.get(n8nType);
      const entryBase: CredentialPlaceholder = { node: node.name, n8nType, n8nId: reference.id, n8nName: reference.name, status: "dropped" };
      if (!ourType || !declared.has(ourType)) {
        report.credentials.push({ ...entryBase, reason: dropped.get(n8nType) ?? `${result.type} does not use an n8n "${n8nType}" credential as configured` });
        continue;
      }
      const match = existingCredentials.find((credential) => credential.type === ourType && reference.name !== undefined && credential.name === reference.name);
      if (match) {
        references[ourType] = { id: match.id, name: match.name };
        report.credentials.push({ ...entryBase, expectedType: ourType, status: "linked", credentialId: match.id });
      } else {
        const id = `${CREDENTIAL_PLACEHOLDER_PREFIX}${reference.id ?? ourType}`;
        references[ourType] = { id, ...(reference.name ? { name: reference.name } : {}) };
        report.credentials.push({ ...entryBase, expectedType: ourType, status: "placeholder", credentialId: id, reason: `create a "${ourType}" credential${reference.name ? ` (named "${reference.name}" to link it on the next import)` : ""} and reference it from this node` });
      }
    }
    // A claimed credential type the node needs but the export did not reference.
    for (const [, ourType] of claimed) {
      if (references[ourType] || !(definition.credentials ?? []).some((declaration) => declaration.type === ourType && declaration.required)) continue;
      const id = `${CREDENTIAL_PLACEHOLDER_PREFIX}${ourType}`;
      references[ourType] = { id };
      report.credentials.push({ node: node.name, n8nType: ourType, expectedType: ourType, status: "placeholder", credentialId: id, reason: `the node needs a "${ourType}" credential: create one and reference it from this node` });
    }
    report.mapped.push({ node: node.name, from: label, to: result.type });
    nodes.push({ ...base, type: result.type, typeVersion: definition.version, parameters: result.parameters, ...(Object.keys(references).length > 0 ? { credentials: references } : {}) });
    if (node.executeOnce) report.warnings.push({ node: node.name, message: '"execute once" is not supported: the node runs on all its items' });
  }

  const connections = mapConnections(source.connections, { names, placeholders, report });
  const workflow: WorkflowInput = {
    name: source.name && source.name.trim() !== "" ? source.name : "Imported from n8n",
    nodes,
    connections,
    settings: mapSettings(record(source.settings), report),
    ...(source.pinData && Object.keys(source.pinData).length > 0 ? { pinData: source.pinData } : {}),
    ...(source.meta !== undefined ? { meta: source.meta } : {}),
    ...(source.tags !== undefined ? { tags: source.tags } : {}),
  };
  if (source.pinData && Object.keys(source.pinData).length > 0) {
    report.warnings.push({ path: "pinData", message: `pinned data of ${Object.keys(source.pinData).map((name) => `"${name}"`).join(", ")} is kept with the workflow for reference; runs execute every node for real` });
  }
  return { workflow, report };
}

function mapConnections(
  source: Record<string, Record<string, Array<Array<{ node: string; type: string; index: number }> | null> | null>>,
  context: { names: Set<string>; placeholders: Set<string>; report: ImportReport },
): NonNullable<WorkflowInput["connections"]> {
  const result: NonNullable<WorkflowInput["connections"]> = {};
  const drop = (path: string, message: string) => context.report.warnings.push({ path, message: `connection dropped: ${message}` });
  for (const [sourceName, byKind] of Object.entries(source)) {
    for (const [kind, outputs] of Object.entries(byKind ?? {})) {
      const path = `connections[${JSON.stringify(sourceName)}].${kind}`;
      if (!(CONNECTION_KINDS as readonly string[]).includes(kind)) {
        drop(path, `"${sourceName}" -> ${kind}: the connection kind "${kind}" does not exist here`);
        continue;
      }
      const ports: Array<Array<{ node: string; type: ConnectionKind; index: number }> | null> = [];
      (outputs ?? []).forEach((targets, outputIndex) => {
        const kept = (targets ?? []).filter((target) => {
          if (!context.names.has(target.node)) {
            drop(`${path}[${outputIndex}]`, `"${sourceName}" -> "${target.node}": no such node`);
            return false;
          }
          const sourceIsPlaceholder = context.placeholders.has(sourceName) && (kind !== "main" || outputIndex > 0);
          const targetIsPlaceholder = context.placeholders.has(target.node) && (kind !== "main" || target.index > 0);
          if (sourceIsPlaceholder || targetIsPlaceholder) {
            drop(`${path}[${outputIndex}]`, `"${sourceName}" -> "${target.node}" (${kind}): "${sourceIsPlaceholder ? sourceName : target.node}" was not imported (a disabled placeholder keeps only its first main input and output)`);
            return false;
          }
          return true;
        });
        ports.push(kept.length > 0 ? kept.map((target) => ({ node: target.node, type: kind as ConnectionKind, index: target.index })) : null);
      });
      while (ports.length > 0 && ports[ports.length - 1] === null) ports.pop();
      if (ports.length === 0) continue;
      result[sourceName] = { ...result[sourceName], [kind]: ports };
    }
  }
  return result;
}

function mapSettings(settings: Parameters, report: ImportReport): NonNullable<WorkflowInput["settings"]> {
  const result: NonNullable<WorkflowInput["settings"]> = {};
  if (typeof settings.timezone === "string" && settings.timezone !== "DEFAULT") result.timezone = settings.timezone;
  if (typeof settings.executionTimeout === "number" && settings.executionTimeout > 0) result.executionTimeout = Math.round(settings.executionTimeout);
  if (typeof settings.errorWorkflow === "string" && settings.errorWorkflow !== "") {
    result.errorWorkflow = settings.errorWorkflow;
    report.warnings.push({ path: "settings.errorWorkflow", message: `the error workflow is n8n's "${settings.errorWorkflow}": import it too and set settings.errorWorkflow to its id here` });
  }
  const success = settings.saveDataSuccessExecution;
  const failure = settings.saveDataErrorExecution;
  if (success === "none" && failure === "none") result.saveExecution = "none";
  else if (success === "none") result.saveExecution = "errors";
  if (settings.executionOrder === "v0") report.warnings.push({ path: "settings.executionOrder", message: 'n8n\'s legacy execution order "v0" is not supported: nodes run in the v1 order (branch by branch)' });
  return result;
}
