/**
 * Where the migrations are, and applying them with drizzle's migrator on either driver.
 * drizzle-kit only generates them (`npm run db:generate`); `drizzle-kit migrate` is never used (it fails silently on
 * PGlite, see shared/STACK.md).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import type { ReservedSql, Sql } from "postgres";
import * as schema from "./schema";

/** Any advisory-lock key unique to us: serialises migrations of several processes against one Postgres server. */
const MIGRATION_ADVISORY_LOCK_KEY = 4_846_271_093;

/**
 * The drizzle/ folder of this repository, wherever the process runs from: an explicit option, then
 * `HETUMIND_MIGRATIONS_DIR`, then relative to this file (vitest, tsx, node), then `<cwd>/drizzle` (a bundled Next.js
 * server, where this module's URL points into .next/).
 */
export function resolveMigrationsFolder(explicit?: string): string {
  const candidates: string[] = [];
  if (explicit) candidates.push(path.resolve(explicit));
  if (process.env.HETUMIND_MIGRATIONS_DIR) candidates.push(path.resolve(process.env.HETUMIND_MIGRATIONS_DIR));
  const here = moduleDirectory();
  if (here) candidates.push(path.resolve(here, "../../drizzle"));
  candidates.push(path.resolve(process.cwd(), "drizzle"));
  for (const candidate of candidates) {
    if (fs.existsSync(path.join(candidate, "meta", "_journal.json"))) return candidate;
  }
  throw new Error(
    `Cannot find the migrations folder (drizzle/meta/_journal.json); looked in: ${candidates.join(", ")}. ` +
      `Set HETUMIND_MIGRATIONS_DIR to the repository's drizzle/ folder.`,
  );
}

function moduleDirectory(): string | undefined {
  try {
    // Kept in a variable so that bundlers do not treat it as an asset reference.
    const url = import.meta.url;
    return url.startsWith("file:") ? path.dirname(fileURLToPath(url)) : undefined;
  } catch {
    return undefined;
  }
}

/** The newest migration's timestamp in drizzle's journal (`when`, which drizzle records as `created_at`). */
function newestMigrationMillis(migrationsFolder: string): number {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: Array<{ when: number }> };
  return Math.max(0, ...journal.entries.map((entry) => entry.when));
}

const LAST_APPLIED_SQL = `select max(created_at)::text as last from "drizzle"."__drizzle_migrations"`;

/**
 * Is the database already at the newest migration? One query instead of drizzle's migrator (which creates its schema
 * and table if missing, hashes every file and opens a transaction: ~0.5 s on a cold embedded database at start-up).
 * drizzle applies a migration when its `when` is newer than the last applied `created_at`, so "nothing newer" is the
 * same test. A database without drizzle's table (new) answers no.
 */
async function upToDate(lastApplied: () => Promise<string | null | undefined>, migrationsFolder: string): Promise<boolean> {
  let last: string | null | undefined;
  try {
    last = await lastApplied();
  } catch {
    return false; // no drizzle schema yet
  }
  return last !== null && last !== undefined && Number(last) >= newestMigrationMillis(migrationsFolder);
}

export async function migratePglite(client: PGlite, migrationsFolder: string): Promise<void> {
  if (await upToDate(async () => (await client.query<{ last: string | null }>(LAST_APPLIED_SQL)).rows[0]?.last, migrationsFolder)) return;
  const [{ drizzle }, { migrate }] = await Promise.all([
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
  ]);
  await migrate(drizzle(client, { schema }), { migrationsFolder });
}

/**
 * Applies migrations on one reserved connection holding a session advisory lock, so that several processes starting
 * against the same server migrate one after the other instead of failing on "relation already exists". The reserved
 * connection is also the only one used, so this works with a pool of one (pglite-socket serves one connection).
 */
export async function migratePostgres(client: Sql, migrationsFolder: string): Promise<void> {
  const [{ drizzle }, { migrate }] = await Promise.all([
    import("drizzle-orm/postgres-js"),
    import("drizzle-orm/postgres-js/migrator"),
  ]);
  if (await upToDate(async () => (await client.unsafe<Array<{ last: string | null }>>(LAST_APPLIED_SQL))[0]?.last, migrationsFolder)) return;
  const reserved = await client.reserve();
  try {
    await reserved.unsafe(`select pg_advisory_lock(${MIGRATION_ADVISORY_LOCK_KEY})`);
    try {
      await migrate(drizzle(asDrizzleClient(client, reserved), { schema }), { migrationsFolder });
    } finally {
      await reserved.unsafe(`select pg_advisory_unlock(${MIGRATION_ADVISORY_LOCK_KEY})`);
    }
  } finally {
    reserved.release();
  }
}

/**
 * drizzle's postgres-js driver reads `client.options` and opens its transaction with `client.begin(fn)`; a reserved
 * connection has neither. Give it the pool's options and a `begin` that runs BEGIN/COMMIT on the reserved connection
 * (the migrator opens one transaction and no savepoints).
 */
function asDrizzleClient(pool: Sql, reserved: ReservedSql): Sql {
  const begin = async <T>(body: (transaction: ReservedSql) => Promise<T>): Promise<T> => {
    await reserved.unsafe("begin");
    try {
      const result = await body(reserved);
      await reserved.unsafe("commit");
      return result;
    } catch (error) {
      await reserved.unsafe("rollback");
      throw error;
    }
  };
  return Object.assign(reserved, { options: pool.options, begin }) as unknown as Sql;
}
