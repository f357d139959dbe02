/**
 * The zod schemas of the credentials API: what the handlers parse with and what the OpenAPI document is built from.
 * A credential's `data` is checked against its type's declaration (lib/credentials/types.ts), not here.
 */
import { z } from "zod";

const timestamp = z.iso.datetime().describe("ISO 8601 timestamp");

export const redactedSecretSchema = z.object({ set: z.boolean() }).describe("A secret field: only whether it is set, never its value");

export const credentialSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    data: z.record(z.string(), z.union([z.string(), redactedSecretSchema])).describe("Non-secret fields as stored; secret fields as `{ set }`"),
    createdAt: timestamp,
    updatedAt: timestamp,
    error: z.literal("credential_decrypt").optional().describe("The stored data cannot be decrypted (the encryption key changed): `data` is empty"),
  })
  .describe("A credential as the API shows it: secrets are never returned");

export const credentialListSchema = z.object({ data: z.array(credentialSchema) });

export const credentialListQuerySchema = z.object({ type: z.string().min(1).max(128).optional().describe("Only credentials of this type") }).strict();

export const createCredentialSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(128),
    type: z.string().min(1, "is required").max(128).describe("A type from GET /api/v1/credential-types"),
    data: z.record(z.string(), z.unknown()).default({}).describe("The type's fields (strings), checked against its declaration"),
  })
  .strict();

export const updateCredentialSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(128).optional(),
    data: z
      .record(z.string(), z.union([z.string(), z.null(), z.object({ set: z.literal(true) }).strict()]))
      .optional()
      .describe("Partial: an omitted field or `{ set: true }` keeps the stored value, `null` removes it, a string replaces it"),
  })
  .strict()
  .describe("The type of a credential cannot change");

export const credentialTestResultSchema = z.object({
  ok: z.boolean(),
  message: z.string().describe("Never contains a secret"),
  tested: z.boolean().describe("False when the type declares no test"),
});

export const credentialTypeSchema = z.object({
  type: z.string(),
  displayName: z.string(),
  description: z.string().optional(),
  fields: z.record(z.string(), z.unknown()).describe("JSON Schema (draft 2020-12) of the fields, as a form accepts them"),
  secretFields: z.array(z.string()),
  fieldHints: z.record(z.string(), z.object({ label: z.string().optional(), placeholder: z.string().optional(), description: z.string().optional() })),
  testable: z.boolean(),
});

export const credentialTypeListSchema = z.object({ data: z.array(credentialTypeSchema) });

export const idParamsSchema = z.object({ id: z.string().min(1).max(200) });
