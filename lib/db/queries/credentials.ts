/**
 * Stored credentials of a workspace. `data_encrypted` holds the JSON of every field, encrypted by lib/secrets and bound
 * (AES-GCM associated data) to the workspace and credential id. Every function takes the workspace id; another
 * workspace's credential is "not found". Only `getCredentialData` decrypts for use (the engine); every other read returns
 * the redacted public view. See docs/credentials.md.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { type CredentialData, type CredentialPublic, redactCredential, validateCredentialData } from "../../credentials";
import { CredentialError } from "../../credentials/errors";
import { NotFoundError } from "../../errors";
import { decryptJson, encryptJson, getEncryptionKey } from "../../secrets";
import { changing } from "../changes";
import type { Database } from "../client";
import { type CredentialRow, credentials } from "../schema-platform";

export interface CredentialKeyOption {
  /** The 32-byte key; default the process key (`getEncryptionKey()`). */
  key?: Buffer;
}

export interface CreateCredentialInput {
  workspaceId: string;
  id?: string;
  name: string;
  type: string;
  /** The fields of the type (validated; defaults applied). */
  data: unknown;
}

/**
 * A partial update. In `data`, a field that is omitted (or `undefined`, or `{ set: true | false }` as a public view shows it) keeps
 * its stored value — so a form can send back what it was given without the secrets; `null` removes the field; a string
 * replaces it. The merged fields are validated as a whole.
 */
export interface UpdateCredentialInput {
  name?: string;
  data?: Record<string, unknown>;
}

export interface DecryptedCredential {
  id: string;
  workspaceId: string;
  name: string;
  type: string;
  data: CredentialData;
}

const NAME_MAX = 128;

function associatedData(workspaceId: string, id: string): string {
  return `credential:${workspaceId}:${id}`;
}

function checkName(name: unknown, type?: string): string {
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (trimmed === "" || trimmed.length > NAME_MAX) {
    const message = trimmed === "" ? "is required" : `must be at most ${NAME_MAX} characters`;
    throw new CredentialError("credential_invalid", `Invalid credential: name ${message}`, { type, problems: [{ path: "name", message }] });
  }
  return trimmed;
}

function decryptRow(row: CredentialRow, key: Buffer): CredentialData {
  try {
    return decryptJson<CredentialData>(row.dataEncrypted, key, associatedData(row.workspaceId, row.id));
  } catch (error) {
    if (CredentialError.isInstance(error)) {
      error.fields.credentialId = row.id;
      error.fields.workspaceId = row.workspaceId;
    }
    throw error;
  }
}

/** The public view; a row that cannot be decrypted (lost or changed key) is listed with no fields and `error` set. */
function publicView(row: CredentialRow, key: Buffer): CredentialPublic {
  try {
    return redactCredential(row, decryptRow(row, key));
  } catch (error) {
    if (!CredentialError.isInstance(error) || error.code !== "credential_decrypt") throw error;
    return { ...redactCredential(row, {}), data: {}, error: "credential_decrypt" };
  }
}

export async function createCredential(db: Database, input: CreateCredentialInput, options: CredentialKeyOption = {}): Promise<CredentialPublic> {
  const name = checkName(input.name, input.type);
  const data = validateCredentialData(input.type, input.data);
  const key = options.key ?? getEncryptionKey();
  const id = input.id ?? randomUUID();
  const [row] = await changing("credentials", () =>
    db
      .insert(credentials)
      .values({ id, workspaceId: input.workspaceId, name, type: input.type, dataEncrypted: encryptJson(data, key, associatedData(input.workspaceId, id)) })
      .returning(),
  );
  return redactCredential(row, data);
}

/** `{ set: true }` or `{ set: false }` as a public view shows a secret field: sent back, it means "leave it as stored". */
function isKeptMarker(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as { set?: unknown }).set === "boolean" && Object.keys(value).length === 1;
}

export async function updateCredential(
  db: Database,
  workspaceId: string,
  id: string,
  input: UpdateCredentialInput,
  options: CredentialKeyOption = {},
): Promise<CredentialPublic> {
  const key = options.key ?? getEncryptionKey();
  return changing("credentials", () => db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(credentials)
      .where(and(eq(credentials.workspaceId, workspaceId), eq(credentials.id, id)))
      .for("update");
    if (!row) throw new NotFoundError("Credential", id, { workspaceId });
    const name = input.name === undefined ? row.name : checkName(input.name, row.type);
    const stored = decryptRow(row, key);
    let data = stored;
    if (input.data !== undefined) {
      if (typeof input.data !== "object" || input.data === null || Array.isArray(input.data)) {
        throw new CredentialError("credential_invalid", "The credential's data must be an object of fields", {
          type: row.type,
          problems: [{ path: "data", message: "must be an object" }],
        });
      }
      const merged: Record<string, unknown> = { ...stored };
      for (const [field, value] of Object.entries(input.data)) {
        if (value === undefined || isKeptMarker(value)) continue;
        if (value === null) delete merged[field];
        else merged[field] = value;
      }
      data = validateCredentialData(row.type, merged);
    }
    const [updated] = await tx
      .update(credentials)
      .set({ name, dataEncrypted: encryptJson(data, key, associatedData(workspaceId, id)), updatedAt: new Date() })
      .where(and(eq(credentials.workspaceId, workspaceId), eq(credentials.id, id)))
      .returning();
    return redactCredential(updated, data);
  }));
}

/** Decrypted, with every secret: for the engine (and a credential test) only — never return it from an API. */
export async function getCredentialData(db: Database, workspaceId: string, id: string, options: CredentialKeyOption = {}): Promise<DecryptedCredential | undefined> {
  const [row] = await db
    .select()
    .from(credentials)
    .where(and(eq(credentials.workspaceId, workspaceId), eq(credentials.id, id)));
  if (!row) return undefined;
  const data = decryptRow(row, options.key ?? getEncryptionKey());
  return { id: row.id, workspaceId: row.workspaceId, name: row.name, type: row.type, data };
}

export async function getCredentialPublic(db: Database, workspaceId: string, id: string, options: CredentialKeyOption = {}): Promise<CredentialPublic | undefined> {
  const [row] = await db
    .select()
    .from(credentials)
    .where(and(eq(credentials.workspaceId, workspaceId), eq(credentials.id, id)));
  return row ? publicView(row, options.key ?? getEncryptionKey()) : undefined;
}

export async function listCredentials(
  db: Database,
  workspaceId: string,
  filter: { type?: string } = {},
  options: CredentialKeyOption = {},
): Promise<CredentialPublic[]> {
  const rows = await db
    .select()
    .from(credentials)
    .where(filter.type === undefined ? eq(credentials.workspaceId, workspaceId) : and(eq(credentials.workspaceId, workspaceId), eq(credentials.type, filter.type)))
    .orderBy(asc(credentials.name), asc(credentials.id));
  const key = options.key ?? getEncryptionKey();
  return rows.map((row) => publicView(row, key));
}

export async function deleteCredential(db: Database, workspaceId: string, id: string): Promise<boolean> {
  const deleted = await changing("credentials", () =>
    db
      .delete(credentials)
      .where(and(eq(credentials.workspaceId, workspaceId), eq(credentials.id, id)))
      .returning({ id: credentials.id }),
  );
  return deleted.length > 0;
}
