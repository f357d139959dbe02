/**
 * n8n's workflow export, read loosely (n8n adds fields between versions; what we do not map is reported, never fatal),
 * and the import report.
 */
import { z } from "zod";

export const n8nNodeSchema = z
  .object({
    id: z.string().optional(),
    name: z.string().min(1),
    type: z.string().min(1),
    typeVersion: z.number().default(1),
    position: z.tuple([z.number(), z.number()]).optional(),
    parameters: z.record(z.string(), z.unknown()).default({}),
    credentials: z.record(z.string(), z.object({ id: z.union([z.string(), z.number()]).nullish(), name: z.string().optional() }).loose()).optional(),
    disabled: z.boolean().optional(),
    retryOnFail: z.boolean().optional(),
    maxTries: z.number().optional(),
    waitBetweenTries: z.number().optional(),
    onError: z.string().optional(),
    continueOnFail: z.boolean().optional(),
    alwaysOutputData: z.boolean().optional(),
    executeOnce: z.boolean().optional(),
    notes: z.string().optional(),
    webhookId: z.string().optional(),
  })
  .loose();

const n8nTargetSchema = z.object({ node: z.string(), type: z.string(), index: z.number().int().min(0).default(0) }).loose();

export const n8nWorkflowSchema = z
  .object({
    id: z.unknown().optional(),
    name: z.string().optional(),
    nodes: z.array(n8nNodeSchema),
    connections: z.record(z.string(), z.record(z.string(), z.array(z.array(n8nTargetSchema).nullable()).nullable())).default({}),
    settings: z.record(z.string(), z.unknown()).nullish(),
    pinData: z.record(z.string(), z.unknown()).nullish(),
    meta: z.unknown().optional(),
    tags: z.unknown().optional(),
    active: z.unknown().optional(),
    versionId: z.unknown().optional(),
    staticData: z.unknown().optional(),
  })
  .loose();

export type N8nNode = z.infer<typeof n8nNodeSchema>;
export type N8nWorkflow = z.infer<typeof n8nWorkflowSchema>;

/** A node we had no equivalent for (or could not map): kept in the workflow, disabled. */
export const unsupportedNodeSchema = z.object({ node: z.string(), type: z.string(), typeVersion: z.number(), reason: z.string() });

/** A credential the export referenced: what we expect in its place, and whether it is linked yet. */
export const credentialPlaceholderSchema = z.object({
  node: z.string(),
  /** n8n's credential type (`openAiApi`, `httpHeaderAuth`...). */
  n8nType: z.string(),
  n8nId: z.string().optional(),
  n8nName: z.string().optional(),
  /** Our credential type the node needs; absent when dropped. */
  expectedType: z.string().optional(),
  /**
   * `placeholder`: the node references `placeholder:<n8n id>` until the user creates a credential of `expectedType` and
   * points the node at it; `linked`: a credential of that type and name exists in the workspace and the node references
   * it; `dropped`: not used here (the reason says why and what to do).
   */
  status: z.enum(["placeholder", "linked", "dropped"]),
  credentialId: z.string().optional(),
  reason: z.string().optional(),
});

export const importWarningSchema = z.object({
  node: z.string().optional(),
  /** The parameter (or connection) path the warning is about. */
  path: z.string().optional(),
  message: z.string(),
});

/** What an import did: returned by POST /api/v1/workflows/import (`importReport`), printed by `hetumind import`. */
export const importReportSchema = z.object({
  format: z.enum(["n8n", "hetumind"]),
  /** Every n8n node mapped: its name, `type@typeVersion` and our type. */
  mapped: z.array(z.object({ node: z.string(), from: z.string(), to: z.string() })),
  unsupported: z.array(unsupportedNodeSchema),
  credentials: z.array(credentialPlaceholderSchema),
  warnings: z.array(importWarningSchema),
});

export type UnsupportedNode = z.infer<typeof unsupportedNodeSchema>;
export type CredentialPlaceholder = z.infer<typeof credentialPlaceholderSchema>;
export type ImportWarning = z.infer<typeof importWarningSchema>;
export type ImportReport = z.infer<typeof importReportSchema>;

export function emptyReport(format: ImportReport["format"]): ImportReport {
  return { format, mapped: [], unsupported: [], credentials: [], warnings: [] };
}
