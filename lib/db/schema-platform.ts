/**
 * The platform's tables (accounts, access, credentials, triggers): the web platform of issue 4. Same rules as
 * schema.ts: every user-data table carries `workspace_id`; statuses are text with a CHECK; timestamps are timestamptz.
 * drizzle-kit reads both files (drizzle.config.ts); `lib/db/client.ts` merges them into one schema.
 */
import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { workflows, workspaces } from "./schema";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const timestampTz = (name: string) => timestamp(name, { withTimezone: true });

// ---------------------------------------------------------------------------------------------------------------------
// Users, memberships, invites
// ---------------------------------------------------------------------------------------------------------------------

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Stored lower-cased: one account per address whatever its case. */
    email: text("email").notNull(),
    name: text("name"),
    /** `scrypt$N$r$p$salt$hash` (lib/auth/password.ts); null for accounts that only sign in through OAuth. */
    passwordHash: text("password_hash"),
    createdAt: createdAt(),
    updatedAt: timestampTz("updated_at").notNull().defaultNow(),
  },
  (table) => [uniqueIndex("users_email_idx").on(table.email)],
);

export type User = typeof users.$inferSelect;

export const ROLES = ["owner", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];
const roleCheck = (column: string) => sql.raw(`${column} in (${ROLES.map((role) => `'${role}'`).join(", ")})`);

export const memberships = pgTable(
  "memberships",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<Role>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.userId] }),
    index("memberships_user_idx").on(table.userId),
    check("memberships_role_check", roleCheck("role")),
  ],
);

export type Membership = typeof memberships.$inferSelect;

/** A one-time invitation link: only the token's hash is stored. */
export const invites = pgTable(
  "invites",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role").$type<Role>().notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestampTz("expires_at").notNull(),
    acceptedAt: timestampTz("accepted_at"),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex("invites_token_hash_idx").on(table.tokenHash), index("invites_workspace_idx").on(table.workspaceId), check("invites_role_check", roleCheck("role"))],
);

export type Invite = typeof invites.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------------
// API keys: `hm_...`, shown once, stored as a SHA-256 hash, scoped to one workspace
// ---------------------------------------------------------------------------------------------------------------------

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The first characters of the key, for telling keys apart in a list. */
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestampTz("last_used_at"),
    revokedAt: timestampTz("revoked_at"),
  },
  (table) => [uniqueIndex("api_keys_hash_idx").on(table.keyHash), index("api_keys_workspace_idx").on(table.workspaceId)],
);

export type ApiKey = typeof apiKeys.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------------
// Credentials: secrets encrypted with AES-256-GCM (lib/secrets); never returned by an API
// ---------------------------------------------------------------------------------------------------------------------

export const credentials = pgTable(
  "credentials",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** A credential type's name (its declaration says which fields it has and which are secret). */
    type: text("type").notNull(),
    /** `v1:<iv>:<tag>:<ciphertext>` (base64url) of the JSON of every field. */
    dataEncrypted: text("data_encrypted").notNull(),
    createdAt: createdAt(),
    updatedAt: timestampTz("updated_at").notNull().defaultNow(),
  },
  (table) => [index("credentials_workspace_idx").on(table.workspaceId, table.type)],
);

export type CredentialRow = typeof credentials.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------------
// Workflow versions: every save keeps the previous definition
// ---------------------------------------------------------------------------------------------------------------------

export const workflowVersions = pgTable(
  "workflow_versions",
  {
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    versionId: text("version_id").notNull(),
    workspaceId: text("workspace_id").notNull(),
    name: text("name").notNull(),
    definition: jsonb("definition").$type<Record<string, unknown>>().notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.workflowId, table.versionId] }), index("workflow_versions_created_idx").on(table.workflowId, table.createdAt)],
);

export type WorkflowVersion = typeof workflowVersions.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------------
// Triggers of active workflows
// ---------------------------------------------------------------------------------------------------------------------

/** One row per (method, path) an active workflow listens on: the primary key makes a clash a conflict (409). */
export const webhookRoutes = pgTable(
  "webhook_routes",
  {
    method: text("method").notNull(),
    path: text("path").notNull(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    nodeName: text("node_name").notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.method, table.path] }), index("webhook_routes_workflow_idx").on(table.workflowId)],
);

export type WebhookRoute = typeof webhookRoutes.$inferSelect;

/** A schedule trigger of an active workflow; the local driver fires the due ones. */
export const schedules = pgTable(
  "schedules",
  {
    workflowId: text("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    nodeName: text("node_name").notNull(),
    workspaceId: text("workspace_id").notNull(),
    /** A cron expression (5 or 6 fields). */
    cron: text("cron").notNull(),
    timezone: text("timezone").notNull().default("UTC"),
    nextRunAt: timestampTz("next_run_at").notNull(),
    lastRunAt: timestampTz("last_run_at"),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.workflowId, table.nodeName] }), index("schedules_due_idx").on(table.enabled, table.nextRunAt)],
);

export type Schedule = typeof schedules.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------------
// Rate limits (sign-in brute force): fixed windows keyed by account and by IP, shared by every process
// ---------------------------------------------------------------------------------------------------------------------

export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  hits: integer("hits").notNull().default(0),
  windowEndsAt: timestampTz("window_ends_at").notNull(),
});
