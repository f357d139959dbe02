/**
 * Test databases: a fresh migrated database per call, on an in-memory PGlite loaded from the template that
 * tests/global-setup.ts built (~1-1.5 s, never an initdb). With `driver: "postgres"` the same PGlite is served over
 * the wire by pglite-socket and reached through postgres.js, so the postgres.js code paths run without a server.
 *
 * Each call is its own database: tests need not clean up rows, only call `close()`.
 */
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { inject } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../lib/db/client";
import { ensureDatabaseTemplates, readTemplate } from "../../lib/db/template";

/** PGlite in this thread, PGlite on a worker thread (what the server runs), postgres.js over the wire to PGlite. */
export type TestDatabaseDriver = "pglite" | "pglite-thread" | "postgres";
export const TEST_DATABASE_DRIVERS: readonly TestDatabaseDriver[] = ["pglite", "pglite-thread", "postgres"];

export interface TestDatabase extends DatabaseHandle {
  /** postgres.js over pglite-socket only: the connection string of the socket server. */
  readonly url?: string;
}

export interface CreateTestDatabaseOptions {
  driver?: TestDatabaseDriver;
  /** Start from an empty (not migrated) database and apply the migrations through the driver under test. */
  migrateFromBlank?: boolean;
}

const templateCache = new Map<string, Promise<Blob>>();

export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const driver = options.driver ?? "pglite";
  const template = await loadTemplate(options.migrateFromBlank ? "blank" : "migrated");
  if (driver === "pglite") return openDatabase({ memory: { loadDataDir: template } });
  if (driver === "pglite-thread") return openDatabase({ memory: { loadDataDir: template }, thread: true });

  // postgres.js -> pglite-socket -> PGlite. The PGlite instance stays owned by this helper.
  const server = await openDatabase({ memory: { loadDataDir: template }, migrate: false });
  const pglite = server.pglite;
  if (!pglite) throw new Error("expected PGlite");
  // maxConnections 1 and postgres.js max 1: PGlite runs one query at a time, and an open transaction would block a
  // second connection forever.
  const socketServer = new PGLiteSocketServer({ db: pglite, port: 0, host: "127.0.0.1", maxConnections: 1 });
  await socketServer.start();
  const url = `postgres://postgres:postgres@${socketServer.getServerConn()}/postgres`;
  let client: DatabaseHandle;
  try {
    client = await openDatabase({ databaseUrl: url, postgresOptions: { max: 1 } });
  } catch (error) {
    await socketServer.stop();
    await server.close();
    throw error;
  }
  let closed = false;
  return {
    ...client,
    url,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        await socketServer.stop();
        await server.close();
      }
    },
  };
}

function loadTemplate(kind: "blank" | "migrated"): Promise<Blob> {
  let pending = templateCache.get(kind);
  if (!pending) {
    pending = templatePath(kind).then(readTemplate);
    templateCache.set(kind, pending);
  }
  return pending;
}

async function templatePath(kind: "blank" | "migrated"): Promise<string> {
  const provided =
    kind === "migrated"
      ? safeInject("hetumindDbTemplate") ?? process.env.HETUMIND_TEST_DB_TEMPLATE
      : safeInject("hetumindDbBlankTemplate") ?? process.env.HETUMIND_TEST_DB_BLANK_TEMPLATE;
  if (provided) return provided;
  // globalSetup not wired (or a file run on its own): build or reuse the cached templates here.
  const templates = await ensureDatabaseTemplates();
  return templates[kind];
}

function safeInject(key: "hetumindDbTemplate" | "hetumindDbBlankTemplate"): string | undefined {
  try {
    return inject(key);
  } catch {
    return undefined;
  }
}
