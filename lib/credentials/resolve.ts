/** What the engine's `context.getCredential(type)` does: finds the node's reference, loads and decrypts it. */
import { changeGeneration } from "@/lib/db/changes";
import type { Database } from "@/lib/db/client";
import { LookupCache } from "@/lib/db/lookup-cache";
import { type DecryptedCredential, getCredentialData } from "@/lib/db/queries/credentials";
import type { NodeCredentialDeclaration } from "@/lib/workflow/node-definition";
import type { CredentialData } from "./definition";
import { CredentialError } from "./errors";

export interface CredentialUser {
  /** The node's name (for errors). */
  name: string;
  /** The workflow node's `credentials`: `{ <type>: { id, name? } }`. */
  credentials?: Record<string, { id: string; name?: string }>;
  /** The node definition's declaration; a type it does not declare is refused. */
  declared?: NodeCredentialDeclaration[];
}

/**
 * Decrypted credentials for a second (lib/db/lookup-cache.ts): the runs of a busy chat or webhook cost no credential
 * query or decryption. Dropped at once when this process writes a credential (lib/db/queries/credentials.ts). Held in
 * memory only, like every credential a run uses; never logged.
 */
const decrypted = new LookupCache<DecryptedCredential | undefined>(() => changeGeneration("credentials"));

export async function resolveNodeCredential(
  db: Database,
  workspaceId: string,
  type: string,
  node: CredentialUser,
  options: { key?: Buffer } = {},
): Promise<CredentialData | undefined> {
  const declaration = node.declared?.find((entry) => entry.type === type);
  if (!declaration) {
    throw new CredentialError("credential_type_mismatch", `Node "${node.name}" does not declare credentials of type "${type}"`, { node: node.name, type });
  }
  const reference = node.credentials?.[type];
  if (!reference) {
    if (!declaration.required) return undefined;
    throw new CredentialError("credential_not_found", `Node "${node.name}" needs a "${type}" credential and references none`, { node: node.name, type });
  }
  // An import (n8n export, template) leaves `placeholder:<...>` where the user has a credential to fill (docs/n8n-import.md).
  if (reference.id.startsWith("placeholder:")) {
    throw new CredentialError(
      "credential_not_found",
      `Node "${node.name}" needs a "${type}" credential${reference.name ? ` (imported as "${reference.name}")` : ""}: create one and point the node at it (the import left a placeholder)`,
      { node: node.name, type, credentialId: reference.id, workspaceId },
    );
  }
  const stored = options.key
    ? await getCredentialData(db, workspaceId, reference.id, options)
    : await decrypted.get(db, `${workspaceId}\u0000${reference.id}`, () => getCredentialData(db, workspaceId, reference.id));
  if (!stored) {
    throw new CredentialError(
      "credential_not_found",
      `Node "${node.name}": credential ${reference.id}${reference.name ? ` ("${reference.name}")` : ""} was not found in this workspace`,
      { node: node.name, type, credentialId: reference.id, workspaceId },
    );
  }
  if (stored.type !== type) {
    throw new CredentialError(
      "credential_type_mismatch",
      `Node "${node.name}": credential ${reference.id} is of type "${stored.type}", not "${type}"`,
      { node: node.name, type, credentialId: reference.id },
    );
  }
  // A copy: the cached entry stays as stored whatever the node does with its credential.
  return structuredClone(stored.data);
}
