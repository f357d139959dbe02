/** The zod schemas of the execution routes: the handlers parse with them and the OpenAPI document is built from them. */
import { z } from "zod";
import { EXECUTION_STATUSES } from "@/lib/db/schema";
import { cursorSchema, limitSchema, pageSchema } from "../workflows/pagination";
import { nodeRunUsageSchema } from "@/lib/workflow/usage";

const timestamp = z.string().describe("ISO 8601");
const statusSchema = z.enum(EXECUTION_STATUSES);

export const executionIdParamsSchema = z.object({ id: z.string() });

export const listExecutionsQuerySchema = z.object({
  workflowId: z.string().max(200).optional(),
  status: z
    .union([statusSchema, z.array(statusSchema)])
    .optional()
    .describe("One status, or several (repeat the parameter or separate with commas)"),
  from: z.iso.datetime({ offset: true }).optional().describe("Created at or after (ISO 8601)"),
  to: z.iso.datetime({ offset: true }).optional().describe("Created before (ISO 8601)"),
  limit: limitSchema,
  cursor: cursorSchema,
});

export const retryExecutionBodySchema = z.object({
  from: z
    .enum(["start", "failed"])
    .default("start")
    .describe('"start": the same workflow snapshot and input as a new execution. "failed" is not supported yet (422)'),
});

export const retryExecutionQuerySchema = z.object({
  wait: z.enum(["true", "false"]).optional().describe("true: run in the server process and answer with the outcome; default: queue it (202)"),
});

export const executionSummarySchema = z.object({
  id: z.string(),
  workflowId: z.string().nullable(),
  mode: z.string(),
  status: statusSchema,
  error: z.unknown().nullable(),
  parentExecutionId: z.string().nullable(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  waitUntil: timestamp.nullable(),
  cancelRequested: z.boolean(),
});

export const nodeRunSchema = z.object({
  node: z.string(),
  type: z.string(),
  runIndex: z.number().int(),
  attempt: z.number().int(),
  status: z.string(),
  startedAt: timestamp,
  finishedAt: timestamp,
  durationMs: z.number(),
  itemsIn: z.number().int(),
  itemsOut: z.number().int(),
  inputSources: z.array(z.object({ node: z.string(), output: z.number().int(), run: z.number().int() }).nullable()).nullable(),
  output: z.array(z.array(z.unknown()).nullable()).nullable().describe("Items per output index"),
  error: z.unknown().nullable(),
  usage: nodeRunUsageSchema.nullable().describe("Token usage and cost of the node's model calls (AI nodes), else null"),
});

export const executionSchema = executionSummarySchema.extend({
  input: z.unknown().nullable(),
  output: z.unknown().nullable(),
  nodeRuns: z.array(nodeRunSchema),
});

export const executionPageSchema = pageSchema(executionSummarySchema);
export const queuedRetrySchema = z.object({ executionId: z.string(), status: z.literal("queued"), retryOf: z.string() });
