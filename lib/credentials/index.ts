/**
 * The credentials vault, type side: validation against a type's declaration, the public (redacted) view, and tests.
 * Storage is lib/db/queries/credentials.ts; encryption is lib/secrets. See docs/credentials.md.
 */
import type { z } from "zod";
import type { AnyCredentialTypeDefinition, CredentialData, CredentialTestContext, CredentialTestResult } from "./definition";
import { CredentialError, type CredentialProblem } from "./errors";
import { credentialType } from "./types";

export * from "./definition";
export { CredentialError, type CredentialErrorCode, type CredentialProblem } from "./errors";
export { credentialType, credentialTypeDefinitions, credentialTypeRegistry } from "./types";

/** A secret field as the outside world sees it. */
export interface RedactedSecret {
  set: boolean;
}

export interface CredentialPublic {
  id: string;
  name: string;
  type: string;
  /** Non-secret fields as stored; secret fields only as `{ set }`. */
  data: Record<string, string | RedactedSecret>;
  createdAt: Date;
  updatedAt: Date;
  /** Set when the stored data cannot be decrypted (the encryption key changed or was lost): `data` is then empty. */
  error?: "credential_decrypt";
}

export interface CredentialMeta {
  id: string;
  name: string;
  type: string;
  createdAt: Date;
  updatedAt: Date;
}

export function requireCredentialType(type: string): AnyCredentialTypeDefinition {
  const definition = credentialType(type);
  if (!definition) {
    throw new CredentialError("credential_type_unknown", `Unknown credential type "${type}"`, {
      type,
      problems: [{ path: "type", message: `unknown credential type "${type}"` }],
    });
  }
  return definition;
}

/** Whether a field of this type is secret. A type no longer declared treats every field as secret. */
export function isSecretField(type: string, field: string): boolean {
  const definition = credentialType(type);
  return definition ? definition.secretFields.includes(field) : true;
}

function problemsOf(error: z.ZodError): CredentialProblem[] {
  const problems: CredentialProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.push({ path: key, message: "is not a field of this credential type" });
      continue;
    }
    const path = issue.path.map(String).join(".") || "data";
    const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
    problems.push({ path, message: missing ? "is required" : issue.message });
  }
  return problems;
}

/**
 * Checks `data` against the type's fields (unknown fields refused, defaults applied). Throws `CredentialError`
 * `credential_invalid` whose message and `fields.problems` name every bad field; values are never echoed.
 */
export function validateCredentialData(type: string, data: unknown): CredentialData {
  const definition = requireCredentialType(type);
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new CredentialError("credential_invalid", `The credential's data must be an object of fields`, {
      type,
      problems: [{ path: "data", message: "must be an object" }],
    });
  }
  const parsed = definition.fields.strict().safeParse(data);
  if (!parsed.success) {
    const problems = problemsOf(parsed.error);
    throw new CredentialError(
      "credential_invalid",
      `Invalid ${definition.displayName} credential: ${problems.map((problem) => `${problem.path} ${problem.message}`).join("; ")}`,
      { type, problems },
    );
  }
  const result: CredentialData = {};
  for (const [field, value] of Object.entries(parsed.data as Record<string, unknown>)) {
    if (value !== undefined) result[field] = String(value);
  }
  return result;
}

/** The public view of a credential: what an API, a page or a log may show. */
export function redactCredential(meta: CredentialMeta, data: Record<string, unknown>): CredentialPublic {
  const redacted: Record<string, string | RedactedSecret> = {};
  for (const [field, value] of Object.entries(data)) {
    if (isSecretField(meta.type, field)) redacted[field] = { set: typeof value === "string" ? value !== "" : value !== undefined && value !== null };
    else redacted[field] = typeof value === "string" ? value : JSON.stringify(value);
  }
  // A declared secret field that was never set still says so.
  for (const field of credentialType(meta.type)?.secretFields ?? []) redacted[field] ??= { set: false };
  return { id: meta.id, name: meta.name, type: meta.type, data: redacted, createdAt: meta.createdAt, updatedAt: meta.updatedAt };
}

/** The secret values of a credential (to mask them in text that might echo them). */
export function secretValues(type: string, data: Record<string, unknown>): string[] {
  return Object.entries(data)
    .filter(([field, value]) => typeof value === "string" && value !== "" && isSecretField(type, field))
    .map(([, value]) => value as string);
}

/** Runs the type's test, if it declares one. A message that would contain a secret is masked. */
export async function testCredentialData(type: string, data: CredentialData, context: CredentialTestContext = {}): Promise<CredentialTestResult> {
  const definition = requireCredentialType(type);
  if (!definition.test) return { ok: false, message: `${definition.displayName} credentials have no test` };
  let result: CredentialTestResult;
  try {
    result = await definition.test(data, context);
  } catch (error) {
    result = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  let message = result.message;
  for (const secret of secretValues(type, data)) message = message.split(secret).join("***");
  return { ok: result.ok, message };
}
