/**
 * Sign-in with email and password, rate-limited against brute force per account and per client IP, in fixed windows
 * (lib/db/queries/rate-limits.ts, shared by every process). Every attempt is counted *before* the password is checked
 * (one atomic upsert per key), so concurrent guesses cannot slip past the limit; a success then resets the account's
 * counter and takes its own hit back from the IP's (it does not reset the IP: one good password must not unlock
 * guessing at other accounts). The net effect is a limit on failures: once either counter is past its limit, attempts
 * are refused with RateLimitedError (429, Retry-After) without checking the password, until the window ends.
 */
import type { Database } from "../db/client";
import { listUserWorkspaces, type UserWorkspace } from "../db/queries/memberships";
import { hitRateLimit, releaseRateLimitHit, resetRateLimit } from "../db/queries/rate-limits";
import { getUserByEmail, normalizeEmail, type PublicUser, toPublicUser } from "../db/queries/users";
import { InvalidCredentialsError, RateLimitedError } from "./errors";
import { dummyPasswordHash, verifyPassword } from "./password";

export interface SignInLimits {
  /** Failures per account per window. */
  accountFailures: number;
  /** Failures per client IP per window (higher: many people can share an address). */
  ipFailures: number;
  windowMs: number;
}

export const SIGN_IN_LIMITS: SignInLimits = { accountFailures: 5, ipFailures: 20, windowMs: 15 * 60 * 1000 };

export interface SignInInput {
  email: string;
  password: string;
  /** The client's address (lib/http/client-ip.ts); without it only the account is limited. */
  ip?: string;
}

export interface SignInResult {
  user: PublicUser;
  /** The user's workspaces, the first joined first (the default current workspace). */
  workspaces: UserWorkspace[];
}

export function signInRateLimitKeys(email: string, ip?: string): { account: string; ip?: string } {
  return { account: `sign-in:account:${normalizeEmail(email)}`, ip: ip ? `sign-in:ip:${ip}` : undefined };
}

export async function signIn(db: Database, input: SignInInput, limits: SignInLimits = SIGN_IN_LIMITS): Promise<SignInResult> {
  const keys = signInRateLimitKeys(input.email, input.ip);
  const checks = [
    await hitRateLimit(db, keys.account, limits.accountFailures, limits.windowMs),
    keys.ip ? await hitRateLimit(db, keys.ip, limits.ipFailures, limits.windowMs) : undefined,
  ];
  const blocked = checks.filter((check) => check && !check.allowed);
  if (blocked.length > 0) {
    const retryAfterMs = Math.max(...blocked.map((check) => check!.retryAfterMs));
    throw new RateLimitedError(`Too many failed sign-in attempts; try again in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs);
  }

  const user = await getUserByEmail(db, input.email);
  // Verify against a dummy hash for unknown accounts, so they cost as much as a wrong password.
  const valid = await verifyPassword(String(input.password ?? ""), user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !user.passwordHash || !valid) throw new InvalidCredentialsError();
  await resetRateLimit(db, keys.account);
  if (keys.ip) await releaseRateLimitHit(db, keys.ip);
  return { user: toPublicUser(user), workspaces: await listUserWorkspaces(db, user.id) };
}
