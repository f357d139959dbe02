/**
 * The database client factory: PGlite (embedded, the default) or postgres.js (`DATABASE_URL`), one drizzle
 * `Database` type for both, migrations applied at open. Drivers are imported lazily so that a Postgres deployment
 * never loads PGlite and vice versa. See docs/db.md.
 */
import fs from "node:fs";
import path from "node:path";
import type { PGlite, QueryOptions, Transaction } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Options as PostgresOptions, PostgresType, Sql } from "postgres";
import { acquireDataDirLock, type DataDirLock } from "./data-dir-lock";
import { migratePglite, migratePostgres, resolveMigrationsFolder } from "./migrations";
import { PGliteThreadClient } from "./pglite-thread";
import { createPreparedStatements } from "./pglite-prepared.mjs";
import { defaultDataDir, PREPARED_STATEMENTS_KEPT, pgliteSettings, takePreopenedDatabase } from "./pglite-worker.mjs";
import * as coreSchema from "./schema";
import * as aiSchema from "./schema-ai";
import * as platformSchema from "./schema-platform";

const schema = { ...coreSchema, ...platformSchema, ...aiSchema };

/** A drizzle database on either driver (also what a transaction callback receives). */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseDriver = "pglite" | "postgres";

export interface DatabaseHandle {
  readonly db: Database;
  readonly driver: DatabaseDriver;
  /** The PGlite instance when `driver` is "pglite" and it runs in this thread (undefined on a worker thread: lib/db/pglite-thread.ts). */
  readonly pglite: PGlite | undefined;
  /** The postgres.js client when `driver` is "postgres". */
  readonly postgres: Sql | undefined;
  /** The data directory when PGlite persists to disk (undefined in memory or on Postgres). */
  readonly dataDir: string | undefined;
  /** Whether the pgvector extension is installed in this database. */
  readonly hasVector: boolean;
  /** Closes the connection (and the PGlite instance and data-dir lock when this handle owns them). Idempotent. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A Postgres connection string. Default: `DATABASE_URL` (when none of `pglite`, `memory`, `dataDir` is given). */
  databaseUrl?: string;
  /** Options for postgres.js (e.g. `{ max: 1 }` against pglite-socket, which runs one query at a time). */
  postgresOptions?: PostgresOptions<Record<string, PostgresType>>;
  /** PGlite data directory. Default: `HETUMIND_DATA_DIR`, else `.hetumind/data` under the current directory. */
  dataDir?: string;
  /**
   * Fill a new data directory from this dump (`dumpDataDir`, e.g. a template) instead of running initdb (~5 s).
   * Ignored when the directory already holds a database.
   */
  seedDataDir?: Blob;
  /** Use this PGlite instance (tests). The caller keeps it: `close()` leaves it open unless `closeClient`. */
  pglite?: PGlite;
  closeClient?: boolean;
  /** An in-memory PGlite, optionally loaded from a dumped data directory (a template: see lib/db/template.ts). */
  memory?: boolean | { loadDataDir?: Blob };
  /** Apply migrations at open (default true). */
  migrate?: boolean;
  migrationsFolder?: string;
  /**
   * Run PGlite on a worker thread (lib/db/pglite-thread.ts). For a data directory the default is on, unless
   * `HETUMIND_PGLITE_THREAD=off`; an in-memory database runs on a thread only when asked (tests); a caller-given instance
   * stays where it is.
   */
  thread?: boolean;
}

export { defaultDataDir };

/** Opens a database. Explicit options win over the environment; see `OpenDatabaseOptions`. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const explicitPglite = options.pglite !== undefined || options.memory !== undefined || options.dataDir !== undefined;
  if (options.databaseUrl && explicitPglite) {
    throw new Error("openDatabase: give either databaseUrl or a PGlite option (pglite, memory, dataDir), not both");
  }
  const databaseUrl = options.databaseUrl || (explicitPglite ? undefined : process.env.DATABASE_URL || undefined);
  const migrationsFolder = options.migrate === false ? undefined : resolveMigrationsFolder(options.migrationsFolder);
  if (databaseUrl) return openPostgres(databaseUrl, options, migrationsFolder);
  return openPglite(options, migrationsFolder);
}

async function openPostgres(
  databaseUrl: string,
  options: OpenDatabaseOptions,
  migrationsFolder: string | undefined,
): Promise<DatabaseHandle> {
  const [{ default: postgres }, { drizzle }] = await Promise.all([import("postgres"), import("drizzle-orm/postgres-js")]);
  const client = postgres(databaseUrl, {
    onnotice: () => {},
    connection: { application_name: "hetumind" },
    ...options.postgresOptions,
  });
  try {
    if (migrationsFolder) await migratePostgres(client, migrationsFolder);
    const db: Database = drizzle(client, { schema });
    const hasVector = await queryHasVector(db);
    let closed = false;
    return {
      db,
      driver: "postgres",
      pglite: undefined,
      postgres: client,
      dataDir: undefined,
      hasVector,
      async close() {
        if (closed) return;
        closed = true;
        await client.end({ timeout: 5 });
      },
    };
  } catch (error) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw error;
  }
}

/**
 * What drizzle-orm/pglite calls on an in-process PGlite (`query`, and `query` inside `transaction`), with statements
 * that have parameters run as named prepared statements (lib/db/pglite-prepared.mjs), as the database thread does.
 */
function withPreparedStatements(client: PGlite, pglite: typeof import("@electric-sql/pglite")) {
  const prepared = createPreparedStatements(client, pglite, PREPARED_STATEMENTS_KEPT);
  return {
    query: <Row>(sql: string, params?: unknown[], options?: QueryOptions) => prepared.query<Row>(sql, params, options),
    exec: (sql: string, options?: QueryOptions) => client.exec(sql, options),
    transaction: <T>(work: (tx: Transaction) => Promise<T>) =>
      client.transaction((tx) =>
        // The handle's other members (exec, rollback, closed...) stay PGlite's own.
        work(Object.assign(Object.create(tx) as Transaction, { query: <Row>(sql: string, params?: unknown[], options?: QueryOptions) => prepared.query<Row>(sql, params, options, tx) })),
      ),
  };
}

/**
 * The embedded database: in this thread, on a worker thread (a new one, or the one the start script's preload began), or
 * a caller's instance. Its Postgres settings come from `pgliteSettings` (lib/db/pglite-worker.mjs).
 */
async function openPglite(options: OpenDatabaseOptions, migrationsFolder: string | undefined): Promise<DatabaseHandle> {
  let lock: DataDirLock | undefined;
  let client: PGlite | PGliteThreadClient;
  let ownsClient: boolean;
  let dataDir: string | undefined;
  // A database on a worker thread is started before anything is imported here: its start-up (~1 s of WASM) then runs on
  // the other core while this thread loads drizzle (and, in the server, the engine).
  const load = () => Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite-pgvector")]);
  if (options.pglite) {
    client = options.pglite;
    ownsClient = options.closeClient === true;
  } else if (options.memory) {
    const loadDataDir = typeof options.memory === "object" ? options.memory.loadDataDir : undefined;
    if (options.thread) {
      client = new PGliteThreadClient({ vector: true, ...(loadDataDir ? { loadDataDir } : {}) });
    } else {
      const [{ PGlite }, { vector }] = await load();
      client = new PGlite({ extensions: { vector }, ...(loadDataDir ? { loadDataDir } : {}) });
    }
    ownsClient = true;
  } else {
    dataDir = path.resolve(options.dataDir ?? defaultDataDir());
    lock = acquireDataDirLock(dataDir);
    try {
      const isNew = !fs.existsSync(path.join(dataDir, "PG_VERSION"));
      const seed = isNew && options.seedDataDir ? { loadDataDir: options.seedDataDir } : {};
      if (options.thread ?? process.env.HETUMIND_PGLITE_THREAD !== "off") {
        const settings = pgliteSettings();
        // The thread the start script's preload began for this directory (lib/db/preopen.mjs), else a new one.
        const started = isNew ? undefined : takePreopenedDatabase(dataDir, settings);
        client = new PGliteThreadClient(started ? { started } : { dataDir, settings, vector: true, ...seed });
      } else {
        const [{ PGlite }, { vector }] = await load();
        client = new PGlite(dataDir, { extensions: { vector }, postgresqlconf: pgliteSettings(), ...seed });
      }
    } catch (error) {
      lock.release();
      throw error;
    }
    ownsClient = true;
  }
  // drizzle-orm/pglite (it imports PGlite's JavaScript, ~0.1 s) loads while the database opens, not after: on a
  // database thread this thread is otherwise idle until then. Its failure is reported by the await below.
  const driverModule = import("drizzle-orm/pglite");
  driverModule.catch(() => {});
  try {
    await client.waitReady;
    if (migrationsFolder) await migratePglite(client as PGlite, migrationsFolder);
    // drizzle-orm/pglite uses only what PGliteThreadClient also has (query, exec, transaction).
    const { drizzle } = await driverModule;
    const driverClient = client instanceof PGliteThreadClient ? client : withPreparedStatements(client, await import("@electric-sql/pglite"));
    const db: Database = drizzle({ client: driverClient as PGlite, schema });
    markSoleWriter(db);
    const hasVector = await queryHasVector(db);
    let closed = false;
    return {
      db,
      driver: "pglite",
      pglite: client instanceof PGliteThreadClient ? undefined : client,
      postgres: undefined,
      dataDir,
      hasVector,
      async close() {
        if (closed) return;
        closed = true;
        try {
          if (ownsClient && !client.closed) await client.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    if (ownsClient && !client.closed) await client.close().catch(() => {});
    lock?.release();
    throw error;
  }
}

async function queryHasVector(db: Database): Promise<boolean> {
  const rows = await queryRows<{ installed: boolean }>(
    db,
    sql`select exists (select 1 from pg_extension where extname = 'vector') as installed`,
  );
  return rows[0]?.installed === true;
}

// ---------------------------------------------------------------------------------------------------------------------
// The process-wide database
// ---------------------------------------------------------------------------------------------------------------------

const GLOBAL_KEY = Symbol.for("hetumind.database");
type GlobalWithDatabase = typeof globalThis & { [GLOBAL_KEY]?: Promise<DatabaseHandle> };

/**
 * The process-wide database, opened on first use from the environment (`DATABASE_URL`, `HETUMIND_DATA_DIR`) and kept on
 * `globalThis` so that Next.js dev reloads (which re-evaluate modules) reuse the one PGlite instance.
 */
export function getDatabase(): Promise<DatabaseHandle> {
  const store = globalThis as GlobalWithDatabase;
  let pending = store[GLOBAL_KEY];
  if (!pending) {
    pending = openDatabase().then((handle) => {
      const close = handle.close;
      return Object.assign(handle, {
        async close() {
          if (store[GLOBAL_KEY] === pending) delete store[GLOBAL_KEY];
          await close();
        },
      });
    });
    store[GLOBAL_KEY] = pending;
    // A failed open is not cached: the next call tries again.
    pending.catch(() => {
      if (store[GLOBAL_KEY] === pending) delete store[GLOBAL_KEY];
    });
  }
  return pending;
}

/** Closes the process-wide database if it was opened. */
export async function closeDatabase(): Promise<void> {
  const store = globalThis as GlobalWithDatabase;
  const pending = store[GLOBAL_KEY];
  if (!pending) return;
  delete store[GLOBAL_KEY];
  const handle = await pending.catch(() => undefined);
  await handle?.close();
}

// ---------------------------------------------------------------------------------------------------------------------
// Raw SQL on either driver
// ---------------------------------------------------------------------------------------------------------------------

/**
 * Rows of a raw `db.execute(sql...)`: PGlite answers `{ rows }`, postgres.js an array. Column values are what the
 * driver parses (jsonb -> objects, bytea -> Uint8Array/Buffer, int8 -> string on postgres.js, timestamptz -> string
 * on both, since drizzle turns the drivers' date parsing off).
 */
// A global symbol: Next.js bundles this module once per route, and a database opened by one copy is read by others.
const SOLE_WRITER = Symbol.for("hetumind.db.sole-writer");

/** The embedded database: only this process writes it (its data directory is locked, or it lives in memory). */
function markSoleWriter(db: Database): void {
  (db as unknown as Record<symbol, boolean>)[SOLE_WRITER] = true;
}

/**
 * Whether this process is the only one that writes `db` (the embedded database; not Postgres, where several servers
 * may share it): what it wrote itself is then all there is, and in-process caches of it stay exact.
 */
export function isSoleWriter(db: Database): boolean {
  return (db as unknown as Record<symbol, boolean | undefined>)[SOLE_WRITER] === true;
}

export async function queryRows<Row>(db: Database, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as Row[];
  return (result as { rows: Row[] }).rows;
}
