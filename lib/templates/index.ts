/**
 * Example workflows shipped in templates/ (our JSON). Each declares its id and description in `meta.template`; model and
 * tool credentials are placeholders (`placeholder:<type>`) the user fills when importing (or later).
 */
import { HetumindError } from "@/lib/errors";
import { CREDENTIAL_PLACEHOLDER_PREFIX, isCredentialPlaceholder } from "@/lib/n8n/convert";
import { workflowSchema, type WorkflowInput } from "@/lib/workflow/schema";
import mcpAgent from "../../templates/mcp-agent.json";
import supportAgent from "../../templates/support-agent.json";
import webhookClassifier from "../../templates/webhook-classifier.json";

export interface TemplateCredentialNeed {
  /** Our credential type (`openAiCompatibleApi`, `httpBearerAuth`...). */
  type: string;
  /** The nodes that reference it. */
  nodes: string[];
}

export interface TemplateSummary {
  id: string;
  name: string;
  description: string;
  /** The node types it uses, in node order, without repeats. */
  nodeTypes: string[];
  /** Credentials to fill (placeholders in the template). */
  credentials: TemplateCredentialNeed[];
}

interface TemplateMeta {
  template: { id: string; description: string };
}

/** Parsed once with the workflow schema (a template that does not fit fails at load, and the template test). */
const TEMPLATE_DOCUMENTS: readonly WorkflowInput[] = [supportAgent, mcpAgent, webhookClassifier].map((document) => workflowSchema.parse(document));

export class TemplateNotFoundError extends HetumindError {
  constructor(templateId: string) {
    super("not_found", `No template with id "${templateId}" (templates: ${TEMPLATE_DOCUMENTS.map((document) => metaOf(document).template.id).join(", ")})`, { templateId });
  }
}

function metaOf(document: WorkflowInput): TemplateMeta {
  return document.meta as TemplateMeta;
}

function credentialNeeds(document: WorkflowInput): TemplateCredentialNeed[] {
  const byType = new Map<string, string[]>();
  for (const node of document.nodes) {
    for (const [type, reference] of Object.entries(node.credentials ?? {})) {
      if (!isCredentialPlaceholder(reference.id)) continue;
      byType.set(type, [...(byType.get(type) ?? []), node.name]);
    }
  }
  return [...byType].map(([type, nodes]) => ({ type, nodes }));
}

function summaryOf(document: WorkflowInput): TemplateSummary {
  const { id, description } = metaOf(document).template;
  return { id, name: document.name ?? id, description, nodeTypes: [...new Set(document.nodes.map((node) => node.type))], credentials: credentialNeeds(document) };
}

export function listTemplates(): TemplateSummary[] {
  return TEMPLATE_DOCUMENTS.map(summaryOf);
}

/** The template's workflow document as shipped (a deep copy). */
export function templateDocument(templateId: string): WorkflowInput {
  const document = TEMPLATE_DOCUMENTS.find((entry) => metaOf(entry).template.id === templateId);
  if (!document) throw new TemplateNotFoundError(templateId);
  return structuredClone(document);
}

/**
 * A workflow made from a template: each placeholder of a type in `credentials` points at that credential id (the caller
 * checked it exists in the workspace and has that type); other placeholders stay, to be filled later.
 */
export function instantiateTemplate(templateId: string, credentials: Record<string, { id: string; name?: string }> = {}): WorkflowInput {
  const document = templateDocument(templateId);
  const { template: _template, ...meta } = metaOf(document) as TemplateMeta & Record<string, unknown>;
  for (const node of document.nodes) {
    for (const [type, reference] of Object.entries(node.credentials ?? {})) {
      const chosen = credentials[type];
      if (chosen && reference.id.startsWith(CREDENTIAL_PLACEHOLDER_PREFIX)) node.credentials![type] = { id: chosen.id, ...(chosen.name ? { name: chosen.name } : {}) };
    }
  }
  return { ...document, meta: { ...meta, templateId } };
}
