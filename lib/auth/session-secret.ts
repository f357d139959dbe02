/**
 * The secret that signs and encrypts session tokens: `HETUMIND_SESSION_SECRET`, else `AUTH_SECRET` (Auth.js's own
 * variable), else a random secret generated on first use into `session-secret` beside the data directory
 * (`.hetumind/session-secret`, mode 0600). Several server processes on one `DATABASE_URL` must share the variable.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { defaultDataDir } from "../db/client";
import { EnvironmentVariableError } from "../errors";

const MIN_SECRET_LENGTH = 32;

export function sessionSecretFile(): string {
  return path.join(path.dirname(defaultDataDir()), "session-secret");
}

let cached: { source: string; secret: string } | undefined;

export function getSessionSecret(): string {
  const fromEnvironment = process.env.HETUMIND_SESSION_SECRET ? "HETUMIND_SESSION_SECRET" : process.env.AUTH_SECRET ? "AUTH_SECRET" : undefined;
  const source = fromEnvironment ?? sessionSecretFile();
  if (cached?.source === source) return cached.secret;
  let secret: string;
  if (fromEnvironment) {
    secret = process.env[fromEnvironment]!;
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new EnvironmentVariableError(`${fromEnvironment} must be at least ${MIN_SECRET_LENGTH} characters long (e.g. \`openssl rand -base64 32\`)`, {
        variable: fromEnvironment,
      });
    }
  } else {
    secret = readOrCreateSecretFile(source);
  }
  cached = { source, secret };
  return secret;
}

function readOrCreateSecretFile(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw error;
  }
}
