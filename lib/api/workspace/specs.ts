/** The workspace-settings routes as RouteSpecs for the OpenAPI document (lib/api/openapi.ts). */
import type { RouteSpec } from "../spec";
import {
  acceptedInviteSchema,
  acceptInviteSchema,
  apiKeyListSchema,
  createApiKeySchema,
  createdApiKeySchema,
  createdInviteSchema,
  createInviteSchema,
  currentWorkspaceSchema,
  inviteListSchema,
  memberListSchema,
  memberSchema,
  switchWorkspaceSchema,
  updateMemberSchema,
  workspaceSummarySchema,
} from "./schemas";

const tag = "Workspace";

export const workspaceSpecs: RouteSpec[] = [
  { method: "get", path: "/api/v1/workspace", summary: "The current workspace, your role, and your workspaces", tag, role: "viewer", response: currentWorkspaceSchema },
  { method: "get", path: "/api/v1/workspace/members", summary: "List members", tag, role: "viewer", response: memberListSchema },
  { method: "patch", path: "/api/v1/workspace/members/{userId}", summary: "Change a member's role (the last owner cannot be demoted: 409)", tag, role: "owner", body: updateMemberSchema, response: memberSchema },
  { method: "delete", path: "/api/v1/workspace/members/{userId}", summary: "Remove a member (the last owner cannot be removed: 409)", tag, role: "owner", status: 204 },
  { method: "get", path: "/api/v1/workspace/invites", summary: "List pending invites", tag, role: "owner", response: inviteListSchema },
  { method: "post", path: "/api/v1/workspace/invites", summary: "Invite by email: the one-time link is returned once", tag, role: "owner", body: createInviteSchema, response: createdInviteSchema, status: 201 },
  { method: "delete", path: "/api/v1/workspace/invites/{id}", summary: "Withdraw an invite", tag, role: "owner", status: 204 },
  { method: "post", path: "/api/v1/workspace/invites/accept", summary: "Accept an invite as the signed-in user (410 when used, expired or for another address)", tag, role: "viewer", body: acceptInviteSchema, response: acceptedInviteSchema },
  { method: "get", path: "/api/v1/workspace/api-keys", summary: "List API keys (owners: all; others: their own); never the key", tag, role: "viewer", response: apiKeyListSchema },
  { method: "post", path: "/api/v1/workspace/api-keys", summary: "Create an API key for yourself: the key is shown once", tag, role: "viewer", body: createApiKeySchema, response: createdApiKeySchema, status: 201 },
  { method: "delete", path: "/api/v1/workspace/api-keys/{id}", summary: "Revoke an API key (owners: any; others: their own)", tag, role: "viewer", status: 204 },
  { method: "post", path: "/api/v1/workspace/switch", summary: "Switch the session's workspace (sessions only; re-issues the cookie)", tag, role: "viewer", body: switchWorkspaceSchema, response: workspaceSummarySchema },
];
