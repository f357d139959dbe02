/**
 * Errors of the credentials vault (lib/secrets, lib/credentials, lib/db/queries/credentials.ts). One class, a stable
 * `code` per failure; a message never contains a secret value.
 *
 * | code | meaning | HTTP |
 * |---|---|---|
 * | `credential_decrypt` | the stored value was tampered with, or the encryption key is not the one it was written with | 500 |
 * | `credential_key_invalid` | the key file holds something other than a 32-byte key | 500 |
 * | `credential_invalid` | a field is missing or wrong (`fields.problems` names each one) | 422 |
 * | `credential_type_unknown` | no credential type of that name is declared | 422 |
 * | `credential_not_found` | no such credential in this workspace | 404 |
 * | `credential_type_mismatch` | a node references a credential of another type than it asks for | 422 |
 */
import { type ErrorFields, HetumindError } from "@/lib/errors";

export type CredentialErrorCode =
  | "credential_decrypt"
  | "credential_key_invalid"
  | "credential_invalid"
  | "credential_type_unknown"
  | "credential_not_found"
  | "credential_type_mismatch";

export interface CredentialProblem {
  /** The field, e.g. `apiKey` (or `name`, `type`). */
  path: string;
  message: string;
}

export class CredentialError extends HetumindError {
  declare readonly code: CredentialErrorCode;
  constructor(code: CredentialErrorCode, message: string, fields: ErrorFields & { problems?: CredentialProblem[] } = {}, options?: { cause?: unknown }) {
    super(code, message, fields, options);
  }
}
