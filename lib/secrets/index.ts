/**
 * Encryption of secrets at rest: AES-256-GCM over the JSON of a value, a random 12-byte IV per value, stored as
 * `v1:<iv>:<tag>:<ciphertext>` (each part base64url). Optional associated data binds a ciphertext to where it is stored
 * (the credentials table binds it to the workspace and credential id, so a value copied to another row does not decrypt).
 *
 * The key (32 bytes) comes from `HETUMIND_ENCRYPTION_KEY` (base64, base64url or 64 hex digits) or, when that is unset,
 * from the key file: `HETUMIND_ENCRYPTION_KEY_FILE`, default `encryption.key` next to the PGlite data dir
 * (`.hetumind/encryption.key`), generated on first use with mode 0600. See docs/credentials.md.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { CredentialError } from "@/lib/credentials/errors";
import { defaultDataDir } from "@/lib/db/client";
import { EnvironmentVariableError } from "@/lib/errors";

export const ENCRYPTION_KEY_VARIABLE = "HETUMIND_ENCRYPTION_KEY";
export const ENCRYPTION_KEY_FILE_VARIABLE = "HETUMIND_ENCRYPTION_KEY_FILE";
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = "v1";

/** 32 bytes written as 64 hex digits, or as base64 / base64url (padding optional). */
export const encryptionKeySchema = z
  .string()
  .trim()
  .transform((text, context) => {
    let bytes: Buffer | undefined;
    if (/^[0-9a-fA-F]{64}$/.test(text)) bytes = Buffer.from(text, "hex");
    else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) bytes = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (!bytes || bytes.length !== KEY_BYTES) {
      context.addIssue({
        code: "custom",
        message: `must be ${KEY_BYTES} bytes written as 64 hex digits or as base64 (got ${bytes ? `${bytes.length} bytes` : "neither"}); generate one with: openssl rand -base64 32`,
      });
      return z.NEVER;
    }
    return bytes;
  });

/** Parses a key as written in the environment or the key file; throws a plain Error with the reason. */
export function parseEncryptionKey(text: string): Buffer {
  const parsed = encryptionKeySchema.safeParse(text);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join("; "));
  return parsed.data;
}

export function defaultKeyFile(): string {
  const configured = process.env[ENCRYPTION_KEY_FILE_VARIABLE];
  if (configured) return path.resolve(configured);
  return path.join(path.dirname(defaultDataDir()), "encryption.key");
}

export interface EncryptionKeySource {
  /** The value of `HETUMIND_ENCRYPTION_KEY` (default: the environment). Empty counts as unset. */
  envKey?: string;
  /** The key file used when there is no env key (default: `defaultKeyFile()`). */
  keyFile?: string;
}

/** Where the key comes from, without reading it. */
export function keySource(source: EncryptionKeySource = {}): { kind: "env"; value: string } | { kind: "file"; path: string } {
  const envKey = source.envKey ?? process.env[ENCRYPTION_KEY_VARIABLE];
  if (envKey !== undefined && envKey.trim() !== "") return { kind: "env", value: envKey };
  return { kind: "file", path: source.keyFile ?? defaultKeyFile() };
}

/**
 * Reads the key from the environment or the key file, generating the file (atomically, `wx`, mode 0600) when it does not
 * exist. Uncached: see `getEncryptionKey` for the process-wide one.
 */
export function loadEncryptionKey(source: EncryptionKeySource = {}): Buffer {
  const where = keySource(source);
  if (where.kind === "env") {
    try {
      return parseEncryptionKey(where.value);
    } catch (error) {
      throw new EnvironmentVariableError(`${ENCRYPTION_KEY_VARIABLE} is invalid: ${(error as Error).message}`, { variable: ENCRYPTION_KEY_VARIABLE }, { cause: error });
    }
  }
  return readOrCreateKeyFile(where.path);
}

/**
 * Creates `file` with `content`, mode 0600, failing with EEXIST when it exists. The content is written to a private
 * temporary file first and hard-linked into place, so a concurrent reader never sees a half-written key; where hard links
 * are not supported, an exclusive create (`wx`).
 */
function createKeyFile(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  fs.writeFileSync(temporary, content, { flag: "wx", mode: 0o600 });
  try {
    fs.linkSync(temporary, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw error;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV") throw error;
    fs.writeFileSync(file, content, { flag: "wx", mode: 0o600 });
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

function readOrCreateKeyFile(file: string): Buffer {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const key = randomBytes(KEY_BYTES);
    try {
      createKeyFile(file, `${key.toString("base64")}\n`);
      return key;
    } catch (writeError) {
      // Another process created it first: its key is the key.
      if ((writeError as NodeJS.ErrnoException).code !== "EEXIST") throw writeError;
      text = fs.readFileSync(file, "utf8");
    }
  }
  try {
    return parseEncryptionKey(text);
  } catch (error) {
    throw new CredentialError(
      "credential_key_invalid",
      `The encryption key file ${file} is invalid: ${(error as Error).message}. Restore the original file (credentials encrypted ` +
        `with it cannot be read without it) or set ${ENCRYPTION_KEY_VARIABLE}.`,
      { keyFile: file },
      { cause: error },
    );
  }
}

const KEY_CACHE = Symbol.for("hetumind.encryptionKeyCache");
type KeyCache = Map<string, Buffer>;

/** The process-wide key (cached per source: env value or file path, so tests that change the environment get theirs). */
export function getEncryptionKey(): Buffer {
  const holder = globalThis as unknown as Record<symbol, KeyCache | undefined>;
  const cache = (holder[KEY_CACHE] ??= new Map());
  const where = keySource();
  const cacheKey = where.kind === "env" ? `env:${where.value}` : `file:${where.path}`;
  let key = cache.get(cacheKey);
  if (!key) {
    key = loadEncryptionKey();
    cache.set(cacheKey, key);
  }
  return key;
}

/** Forgets cached keys (tests that delete a key file). */
export function clearEncryptionKeyCache(): void {
  (globalThis as unknown as Record<symbol, KeyCache | undefined>)[KEY_CACHE]?.clear();
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new Error(`An AES-256 key is ${KEY_BYTES} bytes (got ${key.length})`);
}

/** Encrypts the JSON of `value`. `associatedData` must be given again, equal, to decrypt. */
export function encryptJson(value: unknown, key: Buffer = getEncryptionKey(), associatedData?: string): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value) ?? "null", "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(":");
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decrypts what `encryptJson` wrote. A malformed value, a changed IV/tag/ciphertext, other associated data or another key
 * all fail with `CredentialError` code `credential_decrypt`: never garbage.
 */
export function decryptJson<T = unknown>(text: string, key: Buffer = getEncryptionKey(), associatedData?: string): T {
  checkKey(key);
  const fail = (reason: string, cause?: unknown): never => {
    throw new CredentialError(
      "credential_decrypt",
      `Cannot decrypt a stored secret: ${reason}. Either it was modified, or the encryption key is not the one it was written with ` +
        `(check ${ENCRYPTION_KEY_VARIABLE} / the key file).`,
      {},
      cause === undefined ? undefined : { cause },
    );
  };
  const parts = text.split(":");
  if (parts.length !== 4 || parts[0] !== VERSION) return fail(`unknown format (expected ${VERSION}:<iv>:<tag>:<ciphertext>)`);
  const [, ivText, tagText, dataText] = parts;
  if (![ivText, tagText, dataText].every((part) => BASE64URL.test(part))) return fail("not base64url");
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return fail("wrong IV or tag length");
  let plain: string;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(Buffer.from(dataText, "base64url")), decipher.final()]).toString("utf8");
  } catch (error) {
    return fail("authentication failed", error);
  }
  try {
    return JSON.parse(plain) as T;
  } catch (error) {
    return fail("not JSON", error);
  }
}
