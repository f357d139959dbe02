/**
 * Password hashing with node's scrypt (memory-hard). Stored as `scrypt$N$r$p$salt$hash` (salt and hash base64url), so
 * the cost can be raised later without breaking existing hashes: verify reads the parameters from the string.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { PasswordPolicyError } from "./errors";

export const SCRYPT_PARAMETERS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/** scrypt needs 128 * N * r bytes; node's default maxmem (32 MiB) is exactly that for N=2^15, r=8, so leave headroom. */
function maxmem(N: number, r: number): number {
  return 128 * N * r * 2;
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, length, { N, r, p, maxmem: maxmem(N, r) }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Throws PasswordPolicyError when the password is too short or absurdly long. */
export function assertPasswordPolicy(password: string): void {
  if (typeof password !== "string" || [...password].length < MIN_PASSWORD_LENGTH) {
    throw new PasswordPolicyError(`The password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new PasswordPolicyError(`The password must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  }
}

/** Checks the policy, then hashes: `scrypt$32768$8$1$<salt>$<hash>`. */
export async function hashPassword(password: string): Promise<string> {
  assertPasswordPolicy(password);
  const { N, r, p } = SCRYPT_PARAMETERS;
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, N, r, p, KEY_BYTES);
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** Constant-time comparison against a stored hash. A malformed stored hash verifies nothing (false). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((value) => Number.isSafeInteger(value) && value > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4], "base64url");
  const expected = Buffer.from(parts[5], "base64url");
  if (salt.length === 0 || expected.length === 0) return false;
  if (typeof password !== "string" || password.length > MAX_PASSWORD_LENGTH) return false;
  const actual = await derive(password, salt, N, r, p, expected.length);
  return timingSafeEqual(actual, expected);
}

/** A hash of a random password, computed once: sign-in verifies against it when the email is unknown, so that an
 * unknown account takes as long to refuse as a wrong password. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(18).toString("base64url"));
  return dummyHash;
}

/** A random password for resets printed once (24 base64url characters, 144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}
