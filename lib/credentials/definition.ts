/**
 * A credential type, declared once (like a node): its fields as a zod object of strings, which of them are secret, and
 * optionally how to test a stored credential. The API, the forms and the engine all read these declarations.
 */
import type { z } from "zod";

export type CredentialData = Record<string, string>;

export interface CredentialTestContext {
  signal?: AbortSignal;
  /** Milliseconds for the whole test (default 15 000). */
  timeoutMs?: number;
}

export interface CredentialTestResult {
  ok: boolean;
  /** Shown to the user; never contains a secret. */
  message: string;
}

export interface CredentialFieldHint {
  label?: string;
  placeholder?: string;
  description?: string;
}

export interface CredentialTypeDefinition<Schema extends z.ZodObject = z.ZodObject> {
  /** n8n's credential type name where there is one (`httpHeaderAuth`, `openAiApi`). */
  type: string;
  displayName: string;
  description?: string;
  /** Every field, as strings; defaults are applied when a credential is stored. */
  fields: Schema;
  /** Fields whose values are never returned by the API nor logged (`{ set: true }` in a public view). */
  secretFields: Array<keyof z.infer<Schema> & string>;
  fieldHints?: Partial<Record<keyof z.infer<Schema> & string, CredentialFieldHint>>;
  test?: (data: z.infer<Schema>, context: CredentialTestContext) => Promise<CredentialTestResult>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds definitions of many schemas
export type AnyCredentialTypeDefinition = CredentialTypeDefinition<any>;

export function defineCredentialType<Schema extends z.ZodObject>(definition: CredentialTypeDefinition<Schema>): CredentialTypeDefinition<Schema> {
  return definition;
}
