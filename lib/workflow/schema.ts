import { z } from "zod";
import { CONNECTION_KINDS } from "./connection-kinds";

/** A target of a connection: `{ node, type, index }` as in n8n exports. */
export const connectionTargetSchema = z.object({
  node: z.string().min(1),
  type: z.enum(CONNECTION_KINDS),
  index: z.number().int().min(0),
});

/** `[kind][outputIndex] -> targets`. n8n writes `null` for an output index with no targets. */
const portConnectionsSchema = z.array(z.array(connectionTargetSchema).nullable());

export const nodeConnectionsSchema = z.partialRecord(z.enum(CONNECTION_KINDS), portConnectionsSchema);

export const workflowNodeSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1, "a node needs a name"),
  type: z.string().min(1),
  typeVersion: z.number().positive().default(1),
  position: z.tuple([z.number(), z.number()]).default([0, 0]),
  parameters: z.record(z.string(), z.unknown()).default({}),
  credentials: z.record(z.string(), z.object({ id: z.string(), name: z.string().optional() })).optional(),
  disabled: z.boolean().optional(),
  retryOnFail: z.boolean().optional(),
  maxTries: z.number().int().min(1).max(10).optional(),
  waitBetweenTries: z.number().int().min(0).max(60_000).optional(),
  onError: z.enum(["stop", "continue", "stopWorkflow", "continueRegularOutput", "continueErrorOutput"]).optional(),
  alwaysOutputData: z.boolean().optional(),
  notes: z.string().optional(),
});

export const workflowSettingsSchema = z.object({
  timezone: z.string().optional(),
  errorWorkflow: z.string().optional(),
  /** Seconds; n8n's unit. */
  executionTimeout: z.number().int().positive().optional(),
  saveExecution: z.enum(["all", "errors", "none"]).optional(),
  /** How many times a cycle through a loop node may turn before the execution fails. */
  maxLoopIterations: z.number().int().positive().optional(),
});

export const workflowSchema = z.object({
  id: z.string().optional(),
  name: z.string().min(1).default("Untitled workflow"),
  nodes: z.array(workflowNodeSchema),
  connections: z.record(z.string(), nodeConnectionsSchema).default({}),
  settings: workflowSettingsSchema.default({}),
  active: z.boolean().optional(),
  versionId: z.string().optional(),
  pinData: z.unknown().optional(),
  meta: z.unknown().optional(),
  tags: z.unknown().optional(),
});

export type ConnectionTarget = z.infer<typeof connectionTargetSchema>;
export type NodeConnections = z.infer<typeof nodeConnectionsSchema>;
export type WorkflowNode = z.infer<typeof workflowNodeSchema>;
export type WorkflowSettings = z.infer<typeof workflowSettingsSchema>;
export type Workflow = z.infer<typeof workflowSchema>;
/** What a user writes (defaults not yet applied). */
export type WorkflowInput = z.input<typeof workflowSchema>;
