/** The workflow routes as RouteSpecs for the OpenAPI document (lib/api/openapi.ts), from the schemas the handlers use. */
import type { RouteSpec } from "../spec";
import {
  importWorkflowBodySchema,
  importWorkflowResponseSchema,
  listVersionsQuerySchema,
  listWorkflowsQuerySchema,
  runOutcomeSchema,
  runWorkflowBodySchema,
  runWorkflowQuerySchema,
  updateWorkflowBodySchema,
  workflowBodySchema,
  workflowExportSchema,
  workflowPageSchema,
  workflowResponseSchema,
  workflowVersionPageSchema,
  workflowVersionSchema,
} from "./schemas";

const tag = "workflows";
const base = "/api/v1/workflows";

export const workflowSpecs: RouteSpec[] = [
  { method: "get", path: base, summary: "List workflows (name search, active filter, cursor pagination)", tag, role: "viewer", query: listWorkflowsQuerySchema, response: workflowPageSchema },
  { method: "post", path: base, summary: "Create a workflow (validated: every problem is listed)", tag, role: "editor", body: workflowBodySchema, response: workflowResponseSchema, status: 201 },
  { method: "post", path: `${base}/import`, summary: "Import our workflow JSON or an n8n export (mapped, with an import report; new id, inactive)", tag, role: "editor", body: importWorkflowBodySchema, response: importWorkflowResponseSchema, status: 201 },
  { method: "get", path: `${base}/{id}`, summary: "Get a workflow", tag, role: "viewer", response: workflowResponseSchema },
  { method: "put", path: `${base}/{id}`, summary: "Update a workflow (versionId must be current, else 409)", tag, role: "editor", body: updateWorkflowBodySchema, response: workflowResponseSchema },
  { method: "delete", path: `${base}/{id}`, summary: "Delete a workflow (its executions stay)", tag, role: "editor", status: 204 },
  { method: "post", path: `${base}/{id}/activate`, summary: "Activate: register its webhooks and schedules (409 on a webhook path clash, 422 without an activatable trigger)", tag, role: "editor", response: workflowResponseSchema },
  { method: "post", path: `${base}/{id}/deactivate`, summary: "Deactivate: remove its webhooks and schedules", tag, role: "editor", response: workflowResponseSchema },
  { method: "get", path: `${base}/{id}/versions`, summary: "List saved versions, newest first", tag, role: "viewer", query: listVersionsQuerySchema, response: workflowVersionPageSchema },
  { method: "get", path: `${base}/{id}/versions/{versionId}`, summary: "Get a saved version", tag, role: "viewer", response: workflowVersionSchema },
  { method: "post", path: `${base}/{id}/versions/{versionId}/restore`, summary: "Restore a saved version (a new save with a new versionId)", tag, role: "editor", response: workflowResponseSchema },
  { method: "get", path: `${base}/{id}/export`, summary: "Export in n8n's shape", tag, role: "viewer", response: workflowExportSchema },
  {
    method: "post",
    path: `${base}/{id}/run`,
    summary: "Run manually with an input: queued (202 { executionId }), or ?wait=true runs in the server and answers the outcome",
    tag,
    role: "editor",
    body: runWorkflowBodySchema,
    query: runWorkflowQuerySchema,
    response: runOutcomeSchema,
    status: 202,
  },
];
