/** The zod schemas of the workflow routes: the handlers parse with them and the OpenAPI document is built from them. */
import { z } from "zod";
import { importReportSchema } from "@/lib/n8n/types";
import { workflowSchema } from "@/lib/workflow/schema";
import { booleanQuerySchema, cursorSchema, limitSchema, pageSchema } from "./pagination";

export const workflowIdParamsSchema = z.object({ id: z.string() });

export const listWorkflowsQuerySchema = z.object({
  search: z.string().max(200).optional().describe("Case-insensitive substring of the name"),
  active: booleanQuerySchema.optional().describe("Only active (true) or inactive (false) workflows"),
  limit: limitSchema,
  cursor: cursorSchema,
});

/**
 * A workflow as written (n8n's shape). The handlers check it with lib/workflow/validate.ts (schema, node types,
 * parameters, connections), which reports every problem with its path. `id`, `active` and `versionId` are ignored:
 * the id comes from the URL or is new, activation has its own routes, and the version id goes in the PUT body.
 */
export const workflowBodySchema = workflowSchema;

/** PUT: the workflow plus the version id it was read at (a stale one is 409). */
export const updateWorkflowBodySchema = workflowSchema.extend({
  versionId: z.string().min(1).describe("The versionId the client read; the update is refused (409) if the workflow changed since"),
});

/**
 * POST /import: our workflow JSON, or an n8n export as n8n writes it (node types `n8n-nodes-base.*` /
 * `@n8n/n8n-nodes-langchain.*`), mapped by lib/n8n (docs/n8n-import.md). `id`, `active`, `versionId` are not kept.
 */
export const importWorkflowBodySchema = workflowSchema;

export const runWorkflowBodySchema = z.object({
  input: z.unknown().optional().describe("The trigger's input: an object (one item), an array (items), or nothing"),
});

export const runWorkflowQuerySchema = z.object({
  wait: booleanQuerySchema.optional().describe("true: run in the server process and answer with the outcome; default: queue it (202)"),
});

const timestamp = z.string().describe("ISO 8601");

export const workflowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  active: z.boolean(),
  versionId: z.string(),
  nodeCount: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

/** GET /export: n8n's export shape. */
export const workflowExportSchema = z.object({
  id: z.string(),
  name: z.string(),
  active: z.boolean(),
  versionId: z.string(),
  nodes: z.array(z.record(z.string(), z.unknown())),
  connections: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()),
  pinData: z.unknown().optional(),
  meta: z.unknown().optional(),
  tags: z.unknown().optional(),
});

/** A stored workflow: its export shape plus timestamps. */
export const workflowResponseSchema = workflowExportSchema.extend({ createdAt: timestamp, updatedAt: timestamp });

/** POST /import: the stored workflow and what the import did (n8n exports: nodes mapped, kept disabled, credentials to fill). */
export const importWorkflowResponseSchema = workflowResponseSchema.extend({ importReport: importReportSchema });

export const workflowPageSchema = pageSchema(workflowSummarySchema);

export const workflowVersionSummarySchema = z.object({
  workflowId: z.string(),
  versionId: z.string(),
  name: z.string(),
  createdBy: z.string().nullable(),
  createdAt: timestamp,
});

export const workflowVersionSchema = workflowVersionSummarySchema.extend({
  nodes: z.array(z.record(z.string(), z.unknown())),
  connections: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()),
});

export const listVersionsQuerySchema = z.object({ limit: limitSchema, cursor: cursorSchema });
export const workflowVersionPageSchema = pageSchema(workflowVersionSummarySchema);

export const queuedRunSchema = z.object({ executionId: z.string(), status: z.literal("queued") });

/** `?wait=true`: how the run ended (or paused). `output` holds the last node's items. */
export const runOutcomeSchema = z.object({
  executionId: z.string(),
  status: z.enum(["succeeded", "failed", "cancelled", "waiting"]),
  output: z.array(z.object({ json: z.unknown() }).passthrough()).optional(),
  error: z.object({ message: z.string() }).passthrough().optional(),
  pause: z.unknown().optional(),
  approvalId: z.string().optional(),
});
