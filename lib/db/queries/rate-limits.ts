/**
 * Fixed-window counters in the `rate_limits` table, shared by every process on the database. One statement per hit:
 * the upsert starts a new window when the old one has ended, else counts in it. Times are the database's `now()`.
 */
import { eq, sql } from "drizzle-orm";
import { type Database, queryRows } from "../client";
import { rateLimits } from "../schema-platform";

export interface RateLimitResult {
  /** Whether this hit is within the limit (hits so far <= limit). */
  allowed: boolean;
  /** Hits counted in the current window, this one included. */
  hits: number;
  /** 0 when allowed; else how long until the window ends. */
  retryAfterMs: number;
}

/** Counts one hit on `key` and says whether it is within `limit` hits per `windowMs`. */
export async function hitRateLimit(db: Database, key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
  const window = `${Math.max(1, Math.round(windowMs))} milliseconds`;
  const [row] = await queryRows<{ hits: number | string; retry_after_ms: number | string }>(
    db,
    sql`insert into rate_limits as r (key, hits, window_ends_at) values (${key}, 1, now() + ${window}::interval)
        on conflict (key) do update set
          hits = case when r.window_ends_at <= now() then 1 else r.hits + 1 end,
          window_ends_at = case when r.window_ends_at <= now() then now() + ${window}::interval else r.window_ends_at end
        returning hits, greatest(0, ceil(extract(epoch from (window_ends_at - now())) * 1000))::int8 as retry_after_ms`,
  );
  const hits = Number(row.hits);
  const allowed = hits <= limit;
  return { allowed, hits, retryAfterMs: allowed ? 0 : Math.max(1, Number(row.retry_after_ms)) };
}

/** Reads the counter without counting: whether one more hit would still be allowed. */
export async function peekRateLimit(db: Database, key: string, limit: number): Promise<RateLimitResult> {
  const [row] = await queryRows<{ hits: number | string; retry_after_ms: number | string }>(
    db,
    sql`select hits, greatest(0, ceil(extract(epoch from (window_ends_at - now())) * 1000))::int8 as retry_after_ms
        from rate_limits where key = ${key} and window_ends_at > now()`,
  );
  if (!row) return { allowed: true, hits: 0, retryAfterMs: 0 };
  const hits = Number(row.hits);
  const allowed = hits < limit;
  return { allowed, hits, retryAfterMs: allowed ? 0 : Math.max(1, Number(row.retry_after_ms)) };
}

/** Takes back one hit (a sign-in that counted as an attempt and then succeeded), never below zero. */
export async function releaseRateLimitHit(db: Database, key: string): Promise<void> {
  await db
    .update(rateLimits)
    .set({ hits: sql`greatest(${rateLimits.hits} - 1, 0)` })
    .where(eq(rateLimits.key, key));
}

export async function resetRateLimit(db: Database, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

/** Deletes counters whose window has ended (housekeeping; the counters work without it). */
export async function pruneRateLimits(db: Database): Promise<number> {
  const rows = await db.delete(rateLimits).where(sql`${rateLimits.windowEndsAt} <= now()`).returning({ key: rateLimits.key });
  return rows.length;
}
