/** The credentials routes as RouteSpecs for the OpenAPI document (lib/api/openapi.ts). */
import type { RouteSpec } from "../spec";
import {
  createCredentialSchema,
  credentialListQuerySchema,
  credentialListSchema,
  credentialSchema,
  credentialTestResultSchema,
  credentialTypeListSchema,
  updateCredentialSchema,
} from "./schemas";

const tag = "Credentials";

export const credentialSpecs: RouteSpec[] = [
  { method: "get", path: "/api/v1/credentials", summary: "List the workspace's credentials (secrets redacted)", tag, role: "viewer", query: credentialListQuerySchema, response: credentialListSchema },
  { method: "post", path: "/api/v1/credentials", summary: "Create a credential (data checked against its type)", tag, role: "editor", body: createCredentialSchema, response: credentialSchema, status: 201 },
  { method: "get", path: "/api/v1/credentials/{id}", summary: "Get a credential (secrets redacted)", tag, role: "viewer", response: credentialSchema },
  { method: "patch", path: "/api/v1/credentials/{id}", summary: "Update a credential (omitted secrets are kept)", tag, role: "editor", body: updateCredentialSchema, response: credentialSchema },
  { method: "delete", path: "/api/v1/credentials/{id}", summary: "Delete a credential", tag, role: "editor", status: 204 },
  { method: "post", path: "/api/v1/credentials/{id}/test", summary: "Run the credential type's test", tag, role: "editor", response: credentialTestResultSchema },
  { method: "get", path: "/api/v1/credential-types", summary: "The credential types: fields as JSON Schema, which are secret", tag, role: "viewer", response: credentialTypeListSchema },
];
