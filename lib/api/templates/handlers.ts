/**
 * `/api/v1/templates`: the shipped example workflows (lib/templates) and their one-click import into the caller's
 * workspace, with the credentials the user picked for their placeholders (the rest stay placeholders to fill later).
 */
import { z } from "zod";
import type { Principal } from "@/lib/auth/authenticate";
import type { Database } from "@/lib/db/client";
import { getCredentialPublic } from "@/lib/db/queries/credentials";
import { RequestValidationError, type RequestProblem } from "@/lib/http/errors";
import { instantiateTemplate, listTemplates, templateDocument, type TemplateSummary } from "@/lib/templates";
import { createWorkflowHandler } from "../workflows/handlers";
import { workflowResponseSchema } from "../workflows/schemas";
import type { RouteSpec } from "../spec";

export const templateSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  nodeTypes: z.array(z.string()),
  credentials: z.array(z.object({ type: z.string(), nodes: z.array(z.string()) })).describe("credential placeholders to fill, by our credential type"),
});

export const templateListSchema = z.object({ data: z.array(templateSummarySchema) });

export const importTemplateBodySchema = z
  .object({
    templateId: z.string().min(1).max(100),
    /** The workflow's name (default the template's). */
    name: z.string().trim().min(1).max(200).optional(),
    /** Credential type -> id of a credential of that type in the workspace, for the template's placeholders. */
    credentials: z.record(z.string().min(1).max(100), z.string().min(1).max(200)).default({}),
  })
  .strict();

export const importTemplateResponseSchema = workflowResponseSchema.extend({
  templateId: z.string(),
  credentialsToFill: z.array(z.object({ type: z.string(), nodes: z.array(z.string()) })).describe("placeholders left (no credential chosen)"),
});

export function listTemplatesHandler(): { data: TemplateSummary[] } {
  return { data: listTemplates() };
}

export async function importTemplateHandler(db: Database, principal: Principal, body: z.output<typeof importTemplateBodySchema>): Promise<Record<string, unknown>> {
  const needs = listTemplates().find((template) => template.id === body.templateId)?.credentials;
  templateDocument(body.templateId); // 404 for an unknown id
  const problems: RequestProblem[] = [];
  const chosen: Record<string, { id: string; name: string }> = {};
  for (const [type, credentialId] of Object.entries(body.credentials)) {
    const path = `credentials.${type}`;
    if (!needs?.some((need) => need.type === type)) {
      problems.push({ path, message: `the template needs no "${type}" credential (it needs: ${needs?.map((need) => need.type).join(", ") || "none"})`, code: "credential_not_needed" });
      continue;
    }
    const credential = await getCredentialPublic(db, principal.workspaceId, credentialId);
    if (!credential) problems.push({ path, message: `no credential with id "${credentialId}" in this workspace`, code: "credential_not_found" });
    else if (credential.type !== type) problems.push({ path, message: `credential "${credentialId}" is of type "${credential.type}", not "${type}"`, code: "credential_type_mismatch" });
    else chosen[type] = { id: credential.id, name: credential.name };
  }
  if (problems.length > 0) throw new RequestValidationError(problems);
  const workflow = instantiateTemplate(body.templateId, chosen);
  if (body.name) workflow.name = body.name;
  const created = await createWorkflowHandler(db, principal, workflow);
  return { ...created, templateId: body.templateId, credentialsToFill: (needs ?? []).filter((need) => !chosen[need.type]) };
}

const tag = "templates";

export const templateSpecs: RouteSpec[] = [
  { method: "get", path: "/api/v1/templates", summary: "The example workflows shipped with Hetumind", tag, role: "viewer", response: templateListSchema },
  {
    method: "post",
    path: "/api/v1/templates/import",
    summary: "Import a template as a new inactive workflow; chosen credentials replace its placeholders",
    tag,
    role: "editor",
    body: importTemplateBodySchema,
    response: importTemplateResponseSchema,
    status: 201,
  },
];
