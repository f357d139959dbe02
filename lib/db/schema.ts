/**
 * The database schema: every table with its inferred row types beside it.
 *
 * Rules:
 * - Every table that holds user data carries `workspace_id`, and every query in lib/db/queries filters on it.
 *   The checkpoint tables are the one exception: they belong to LangGraph's saver API (which has no tenant concept),
 *   they are keyed by `thread_id` = execution id, and the engine only ever reaches a thread through an execution row
 *   it has already scoped to a workspace. Deleting an execution through `deleteExecution` removes its thread too.
 * - Status columns are `text` with a CHECK constraint (cheaper to evolve than a Postgres enum) and a TypeScript union.
 * - Timestamps are `timestamptz`, read as `Date`.
 * - After changing this file run `npm run db:generate` and commit the new file in drizzle/ (see docs/db.md).
 */
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  pgView,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import type { NodeRunUsage } from "../workflow/usage";

/** Binary column. postgres.js returns a Buffer and PGlite a Uint8Array; both are Uint8Arrays. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const timestampTz = (name: string) => timestamp(name, { withTimezone: true });

/** The workspace the CLI and the local (single-user) mode use; created by a migration. */
export const DEFAULT_WORKSPACE_ID = "default";

// ---------------------------------------------------------------------------------------------------------------------
// Workspaces
// ---------------------------------------------------------------------------------------------------------------------

export const workspaces = pgTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export type Workspace = typeof workspaces.$inferSelect;
export type NewWorkspace = typeof workspaces.$inferInsert;

// ---------------------------------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------------------------------

export const workflows = pgTable(
  "workflows",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The workflow JSON (n8n shape, see lib/workflow/schema.ts). */
    definition: jsonb("definition").$type<Record<string, unknown>>().notNull(),
    active: boolean("active").notNull().default(false),
    /** Changes on every save (n8n's `versionId`). */
    versionId: text("version_id").notNull(),
    createdAt: createdAt(),
    updatedAt: timestampTz("updated_at").notNull().defaultNow(),
  },
  (table) => [index("workflows_workspace_updated_idx").on(table.workspaceId, table.updatedAt)],
);

export type WorkflowRow = typeof workflows.$inferSelect;
export type NewWorkflowRow = typeof workflows.$inferInsert;

// ---------------------------------------------------------------------------------------------------------------------
// Executions
// ---------------------------------------------------------------------------------------------------------------------

export const EXECUTION_STATUSES = ["queued", "running", "waiting", "succeeded", "failed", "cancelled"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
/** Statuses an execution never leaves. */
export const FINISHED_EXECUTION_STATUSES = ["succeeded", "failed", "cancelled"] as const satisfies readonly ExecutionStatus[];
export type FinishedExecutionStatus = (typeof FINISHED_EXECUTION_STATUSES)[number];

export const executions = pgTable(
  "executions",
  {
    /** A uuid; also the LangGraph `thread_id` of the run. */
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Null when the workflow was run from a file (CLI). */
    workflowId: text("workflow_id").references(() => workflows.id, { onDelete: "set null" }),
    /** The workflow exactly as it runs: needed to resume after a crash even if the saved workflow changed since. */
    workflowSnapshot: jsonb("workflow_snapshot").$type<Record<string, unknown>>().notNull(),
    /** What started it: manual, webhook, schedule, chat, cli, subworkflow, ... */
    mode: text("mode").notNull(),
    status: text("status").$type<ExecutionStatus>().notNull().default("queued"),
    input: jsonb("input").$type<unknown>(),
    output: jsonb("output").$type<unknown>(),
    error: jsonb("error").$type<unknown>(),
    parentExecutionId: text("parent_execution_id").references((): AnyPgColumn => executions.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    startedAt: timestampTz("started_at"),
    finishedAt: timestampTz("finished_at"),
    /** When a timed wait (Wait node) is due; the worker polls `(status = 'waiting', wait_until <= now())`. */
    waitUntil: timestampTz("wait_until"),
    /** The worker holding the lease, and until when. A running execution whose lease expired is claimed again. */
    lockedBy: text("locked_by"),
    lockedUntil: timestampTz("locked_until"),
    /** How many times a worker claimed it: a crash loop shows up here. */
    claimCount: integer("claim_count").notNull().default(0),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    timeoutAt: timestampTz("timeout_at"),
  },
  (table) => [
    index("executions_status_locked_until_idx").on(table.status, table.lockedUntil),
    index("executions_workspace_created_idx").on(table.workspaceId, table.createdAt),
    index("executions_status_wait_until_idx").on(table.status, table.waitUntil),
    index("executions_workflow_created_idx").on(table.workflowId, table.createdAt),
    index("executions_parent_idx").on(table.parentExecutionId),
    check(
      "executions_status_check",
      sql.raw(`status in (${EXECUTION_STATUSES.map((status) => `'${status}'`).join(", ")})`),
    ),
  ],
);

export type Execution = typeof executions.$inferSelect;
export type NewExecution = typeof executions.$inferInsert;

// ---------------------------------------------------------------------------------------------------------------------
// Node runs: per-node input, output and timing for the UI. Written as ONE row per segment (a JSON array of the
// segment's node runs) and read one row per node run through the `node_runs` view. See
// docs/decisions/node-runs-one-row-per-segment.md: inserting 1,000 rows costs PGlite ~40 ms, one JSON row ~5 ms.
// ---------------------------------------------------------------------------------------------------------------------

export const NODE_RUN_STATUSES = ["succeeded", "failed", "cancelled"] as const;
export type NodeRunStatus = (typeof NODE_RUN_STATUSES)[number];

export const nodeRunBatches = pgTable(
  "node_run_batches",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    executionId: text("execution_id")
      .notNull()
      .references(() => executions.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull(),
    /** JSON (not jsonb: stored as written, no binary conversion on the hot path) array of node runs, see `NodeRun`. */
    runs: json("runs").$type<unknown[]>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("node_run_batches_execution_idx").on(table.executionId, table.id)],
);

/** One row per node run: the `node_runs` view over `node_run_batches` (created by a custom migration). */
export const nodeRuns = pgView("node_runs", {
  batchId: bigint("batch_id", { mode: "number" }).notNull(),
  position: bigint("position", { mode: "number" }).notNull(),
  executionId: text("execution_id").notNull(),
  workspaceId: text("workspace_id").notNull(),
  nodeName: text("node_name").notNull(),
  nodeType: text("node_type").notNull(),
  /** Which activation of the node in this execution (loops run a node more than once), from 0. */
  runIndex: integer("run_index").notNull(),
  /** Which try (retryOnFail), from 1. */
  attempt: integer("attempt").notNull(),
  status: text("status").$type<NodeRunStatus>().notNull(),
  startedAt: timestampTz("started_at").notNull(),
  finishedAt: timestampTz("finished_at").notNull(),
  durationMs: doublePrecision("duration_ms").notNull(),
  itemsIn: integer("items_in").notNull(),
  itemsOut: integer("items_out").notNull(),
  input: jsonb("input").$type<unknown>(),
  output: jsonb("output").$type<unknown>(),
  error: jsonb("error").$type<unknown>(),
  /** Token usage and cost of the model calls the node made (AI nodes; migration 0009), else null. */
  usage: jsonb("usage").$type<NodeRunUsage | null>(),
}).existing();

export type NodeRun = typeof nodeRuns.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------------
// Approvals: what a human sees while an execution waits on `interrupt()`
// ---------------------------------------------------------------------------------------------------------------------

/** `cancelled`: the execution was cancelled while the approval was pending. */
export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "cancelled"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export const approvals = pgTable(
  "approvals",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    executionId: text("execution_id")
      .notNull()
      .references(() => executions.id, { onDelete: "cascade" }),
    nodeName: text("node_name").notNull(),
    message: text("message").notNull(),
    data: jsonb("data").$type<unknown>(),
    status: text("status").$type<ApprovalStatus>().notNull().default("pending"),
    /** What the human decided: `{ approved, edited?, message? }` as the node defines it. */
    decision: jsonb("decision").$type<unknown>(),
    decidedBy: text("decided_by"),
    createdAt: createdAt(),
    decidedAt: timestampTz("decided_at"),
  },
  (table) => [
    index("approvals_execution_status_idx").on(table.executionId, table.status),
    index("approvals_workspace_status_idx").on(table.workspaceId, table.status, table.createdAt),
    check("approvals_status_check", sql.raw(`status in (${APPROVAL_STATUSES.map((status) => `'${status}'`).join(", ")})`)),
  ],
);

export type Approval = typeof approvals.$inferSelect;
export type NewApproval = typeof approvals.$inferInsert;

// ---------------------------------------------------------------------------------------------------------------------
// LangGraph checkpoints (lib/engine/checkpointer). Values are what the saver's serde (`dumpsTyped`) produces.
// ---------------------------------------------------------------------------------------------------------------------

/**
 * One row per checkpoint. `checkpoint` holds the serialized checkpoint without `channel_values` and `channel_versions`:
 * channel values live in `checkpoint_blobs` (stored once per channel version, not once per checkpoint) and the
 * versions are a jsonb column so that one query can join a checkpoint to its blobs.
 */
export const checkpoints = pgTable(
  "checkpoints",
  {
    threadId: text("thread_id").notNull(),
    checkpointNs: text("checkpoint_ns").notNull().default(""),
    checkpointId: text("checkpoint_id").notNull(),
    parentCheckpointId: text("parent_checkpoint_id"),
    /** The checkpoint format version (`Checkpoint.v`); below 4, pending sends are migrated on read. */
    formatVersion: integer("format_version").notNull(),
    /** The serde type tag of `checkpoint` ("json" for the default serializer). */
    type: text("type").notNull(),
    checkpoint: bytea("checkpoint").notNull(),
    channelVersions: jsonb("channel_versions").$type<Record<string, number | string>>().notNull(),
    /** jsonb so that `list({ filter })` is one `@>` in SQL. */
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull(),
  },
  (table) => [primaryKey({ columns: [table.threadId, table.checkpointNs, table.checkpointId] })],
);

export type CheckpointRow = typeof checkpoints.$inferSelect;

/** A channel's value at one version. `type` "empty" (no blob) marks a channel that was cleared. */
export const checkpointBlobs = pgTable(
  "checkpoint_blobs",
  {
    threadId: text("thread_id").notNull(),
    checkpointNs: text("checkpoint_ns").notNull().default(""),
    channel: text("channel").notNull(),
    version: text("version").notNull(),
    type: text("type").notNull(),
    blob: bytea("blob"),
  },
  (table) => [primaryKey({ columns: [table.threadId, table.checkpointNs, table.channel, table.version] })],
);

export type CheckpointBlobRow = typeof checkpointBlobs.$inferSelect;

/** Pending writes of a task against a checkpoint. */
export const checkpointWrites = pgTable(
  "checkpoint_writes",
  {
    threadId: text("thread_id").notNull(),
    checkpointNs: text("checkpoint_ns").notNull().default(""),
    checkpointId: text("checkpoint_id").notNull(),
    taskId: text("task_id").notNull(),
    idx: integer("idx").notNull(),
    channel: text("channel").notNull(),
    type: text("type").notNull(),
    blob: bytea("blob").notNull(),
    /** The task's path (LangGraph orders a superstep's writes by path, task id, idx); "" when unknown. */
    taskPath: text("task_path").notNull().default(""),
  },
  (table) => [
    primaryKey({ columns: [table.threadId, table.checkpointNs, table.checkpointId, table.taskId, table.idx] }),
  ],
);

export type CheckpointWriteRow = typeof checkpointWrites.$inferSelect;
