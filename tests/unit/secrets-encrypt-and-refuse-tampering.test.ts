import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CredentialError } from "@/lib/credentials/errors";
import { EnvironmentVariableError, HetumindError } from "@/lib/errors";
import {
  clearEncryptionKeyCache,
  decryptJson,
  defaultKeyFile,
  encryptJson,
  getEncryptionKey,
  loadEncryptionKey,
  parseEncryptionKey,
} from "@/lib/secrets";

const key = randomBytes(32);
const value = { user: "ada", password: "s3cret-marker-1", nested: { list: [1, "two", null] } };

function decryptError(run: () => unknown): CredentialError {
  try {
    run();
  } catch (error) {
    expect(HetumindError.isInstance(error)).toBe(true);
    expect((error as CredentialError).code).toBe("credential_decrypt");
    return error as CredentialError;
  }
  throw new Error("expected decryption to fail");
}

/** Flips one bit of a base64url part. */
function flip(part: string): string {
  const bytes = Buffer.from(part, "base64url");
  bytes[0] ^= 1;
  return bytes.toString("base64url");
}

describe("encryptJson / decryptJson", () => {
  it("round-trips JSON in the v1:<iv>:<tag>:<ciphertext> base64url format, a new IV each time", () => {
    const first = encryptJson(value, key);
    const second = encryptJson(value, key);
    expect(first).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(first.split(":")[1]).not.toBe(second.split(":")[1]);
    expect(first).not.toContain("s3cret");
    expect(decryptJson(first, key)).toEqual(value);
    expect(decryptJson(second, key)).toEqual(value);
  });

  it("refuses a changed ciphertext, tag or IV, another key, other associated data and malformed values", () => {
    const stored = encryptJson(value, key, "credential:ws:1");
    const [version, iv, tag, data] = stored.split(":");
    decryptError(() => decryptJson([version, iv, tag, flip(data)].join(":"), key, "credential:ws:1"));
    decryptError(() => decryptJson([version, iv, flip(tag), data].join(":"), key, "credential:ws:1"));
    decryptError(() => decryptJson([version, flip(iv), tag, data].join(":"), key, "credential:ws:1"));
    decryptError(() => decryptJson(stored, randomBytes(32), "credential:ws:1"));
    decryptError(() => decryptJson(stored, key, "credential:ws:2"));
    decryptError(() => decryptJson(stored, key));
    decryptError(() => decryptJson("v2:" + stored.slice(3), key, "credential:ws:1"));
    decryptError(() => decryptJson("not encrypted", key));
    decryptError(() => decryptJson("v1:%%%:a:b", key));
    expect(decryptJson(stored, key, "credential:ws:1")).toEqual(value);
  });

  it("never puts the secret in the error", () => {
    const stored = encryptJson(value, key);
    const error = decryptError(() => decryptJson(stored, randomBytes(32)));
    expect(JSON.stringify(error.toJSON())).not.toContain("s3cret");
    expect(error.message).toMatch(/encryption key/);
  });
});

describe("the encryption key", () => {
  let directory: string;
  const saved = { key: process.env.HETUMIND_ENCRYPTION_KEY, file: process.env.HETUMIND_ENCRYPTION_KEY_FILE, dataDir: process.env.HETUMIND_DATA_DIR };

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "hetumind-key-"));
    delete process.env.HETUMIND_ENCRYPTION_KEY;
    delete process.env.HETUMIND_ENCRYPTION_KEY_FILE;
    clearEncryptionKeyCache();
  });
  afterEach(() => {
    for (const [name, previous] of [
      ["HETUMIND_ENCRYPTION_KEY", saved.key],
      ["HETUMIND_ENCRYPTION_KEY_FILE", saved.file],
      ["HETUMIND_DATA_DIR", saved.dataDir],
    ] as const) {
      if (previous === undefined) delete process.env[name];
      else process.env[name] = previous;
    }
    clearEncryptionKeyCache();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("parses 32 bytes as hex, base64 or base64url, and says what is wrong otherwise", () => {
    expect(parseEncryptionKey(key.toString("hex"))).toEqual(key);
    expect(parseEncryptionKey(key.toString("base64"))).toEqual(key);
    expect(parseEncryptionKey(`  ${key.toString("base64url")}\n`)).toEqual(key);
    expect(() => parseEncryptionKey(randomBytes(16).toString("base64"))).toThrow(/32 bytes.*got 16 bytes/);
    expect(() => parseEncryptionKey("not a key!")).toThrow(/32 bytes/);
  });

  it("takes HETUMIND_ENCRYPTION_KEY, and an invalid one is an env_invalid error naming the variable", () => {
    process.env.HETUMIND_ENCRYPTION_KEY = key.toString("base64");
    expect(getEncryptionKey()).toEqual(key);
    process.env.HETUMIND_ENCRYPTION_KEY = "short";
    try {
      getEncryptionKey();
      throw new Error("expected an error");
    } catch (error) {
      expect(error).toBeInstanceOf(EnvironmentVariableError);
      expect((error as EnvironmentVariableError).fields.variable).toBe("HETUMIND_ENCRYPTION_KEY");
      expect((error as Error).message).toMatch(/HETUMIND_ENCRYPTION_KEY is invalid: must be 32 bytes/);
    }
  });

  it("without the variable: generates .hetumind/encryption.key next to the data dir, mode 0600, and reads it back later", () => {
    process.env.HETUMIND_DATA_DIR = path.join(directory, ".hetumind", "data");
    const file = path.join(directory, ".hetumind", "encryption.key");
    expect(defaultKeyFile()).toBe(file);
    const generated = getEncryptionKey();
    expect(generated).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    clearEncryptionKeyCache();
    expect(loadEncryptionKey()).toEqual(generated);
    const stored = encryptJson(value, generated);
    expect(decryptJson(stored, loadEncryptionKey())).toEqual(value);
  });

  it("HETUMIND_ENCRYPTION_KEY_FILE overrides the location; an existing file is never overwritten; a bad file is a typed error", () => {
    const file = path.join(directory, "keys", "my.key");
    process.env.HETUMIND_ENCRYPTION_KEY_FILE = file;
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, key.toString("hex"), { mode: 0o600 });
    expect(getEncryptionKey()).toEqual(key);
    expect(fs.readFileSync(file, "utf8")).toBe(key.toString("hex"));

    fs.writeFileSync(file, "garbage");
    clearEncryptionKeyCache();
    expect(() => getEncryptionKey()).toThrow(CredentialError);
    expect(() => loadEncryptionKey()).toThrow(/key file .*my\.key is invalid/);
  });
});

describe("the key file under concurrency", () => {
  it("processes racing to create it agree on one key, and no temporary file is left", async () => {
    const { spawn } = await import("node:child_process");
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "hetumind-key-race-"));
    const file = path.join(directory, "encryption.key");
    const script = `import("${path.resolve("lib/secrets/index.ts").replace(/\\/g, "/")}").then((m) => process.stdout.write(m.loadEncryptionKey({ keyFile: ${JSON.stringify(file)} }).toString("hex")))`;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { env: { ...process.env, HETUMIND_ENCRYPTION_KEY: "" } });
        let out = "";
        let err = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
        child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(err))));
      });
    try {
      const keys = await Promise.all([run(), run(), run(), run()]);
      expect(new Set(keys).size).toBe(1);
      expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(fs.readdirSync(directory)).toEqual(["encryption.key"]);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
