/** The zod schemas of the workspace-settings API (members, invites, API keys, switch). */
import { z } from "zod";
import { ROLES } from "@/lib/db/schema-platform";

const timestamp = z.iso.datetime();
const nullableTimestamp = timestamp.nullable();
export const roleSchema = z.enum(ROLES);

export const memberSchema = z.object({ userId: z.string(), email: z.string(), name: z.string().nullable(), role: roleSchema, joinedAt: timestamp });
export const memberListSchema = z.object({ data: z.array(memberSchema) });
export const updateMemberSchema = z.object({ role: roleSchema }).strict();

export const userParamsSchema = z.object({ userId: z.string().min(1).max(200) });
export const idParamsSchema = z.object({ id: z.string().min(1).max(200) });

export const workspaceSummarySchema = z.object({ workspaceId: z.string(), name: z.string(), role: roleSchema });
export const currentWorkspaceSchema = z.object({
  workspaceId: z.string(),
  name: z.string(),
  role: roleSchema,
  via: z.enum(["session", "apiKey"]),
  workspaces: z.array(workspaceSummarySchema).describe("Every workspace the user belongs to (switch among them)"),
});

export const createInviteSchema = z
  .object({
    email: z.email().max(320),
    role: roleSchema.default("editor"),
    expiresInHours: z.number().int().min(1).max(24 * 30).optional().describe("Default 168 (7 days)"),
  })
  .strict();

export const inviteSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  email: z.string(),
  role: roleSchema,
  invitedBy: z.string().nullable(),
  createdAt: timestamp,
  expiresAt: timestamp,
  acceptedAt: nullableTimestamp,
});
export const inviteListSchema = z.object({ data: z.array(inviteSchema) });
export const createdInviteSchema = z.object({
  invite: inviteSchema,
  token: z.string().describe("Shown once: only its hash is stored"),
  url: z.string().describe("The one-time link to send: the sign-up page with the token"),
});

export const acceptInviteSchema = z.object({ token: z.string().min(1).max(200) }).strict();
export const acceptedInviteSchema = z.object({ workspaceId: z.string(), role: roleSchema });

export const apiKeySchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  userId: z.string(),
  name: z.string(),
  prefix: z.string().describe("The key's first characters, to recognise it"),
  createdAt: timestamp,
  lastUsedAt: nullableTimestamp,
  revokedAt: nullableTimestamp,
});
export const apiKeyListSchema = z.object({ data: z.array(apiKeySchema) });
export const createApiKeySchema = z.object({ name: z.string().trim().min(1, "is required").max(128) }).strict();
export const createdApiKeySchema = z.object({ apiKey: apiKeySchema, key: z.string().describe("`hm_...`: shown once, never again") });

export const switchWorkspaceSchema = z.object({ workspaceId: z.string().min(1).max(200) }).strict();
