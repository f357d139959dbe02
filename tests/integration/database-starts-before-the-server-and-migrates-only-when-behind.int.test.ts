/**
 * `npm start` preloads lib/db/preopen.mjs, which starts the embedded database's thread at process start; the server's
 * `openDatabase` adopts it. It must stay out of the way when it cannot help: a data dir held by another process, a new
 * one, `DATABASE_URL`. And the start-up migration check (one query when the database is current) must still apply a
 * migration the database does not have. Real processes: `node --import ./lib/db/preopen.mjs --import tsx`.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase, queryRows } from "../../lib/db/client";
import { dataDirLockPath } from "../../lib/db/data-dir-lock";
import { resolveMigrationsFolder } from "../../lib/db/migrations";
import { ensureDatabaseTemplate, readTemplate } from "../../lib/db/template";

const run = promisify(execFile);
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const clientModule = path.join(repositoryRoot, "lib/db/client.ts");

/**
 * A server-like process: the start script's preload, then `openDatabase()` from the environment. It prints whether a
 * preopened thread was there and was adopted, who holds the lock while it is open, and what the database answers.
 */
async function startWithPreload(env: Record<string, string>): Promise<Record<string, unknown>> {
  const code = `
    const key = Symbol.for("hetumind.preopened-database");
    const preopened = globalThis[key] !== undefined;
    const { openDatabase, queryRows } = await import(${JSON.stringify(clientModule)});
    const { sql } = await import("drizzle-orm");
    const fs = await import("node:fs");
    try {
      const handle = await openDatabase();
      const adopted = preopened && globalThis[key] === undefined;
      const lock = JSON.parse(fs.readFileSync(handle.dataDir + ".lock", "utf8"));
      const rows = await queryRows(handle.db, sql\`select id from workspaces order by id\`);
      await handle.close();
      console.log(JSON.stringify({ opened: true, preopened, adopted, lockPid: lock.pid, pid: process.pid, workspaces: rows.map((row) => row.id) }));
    } catch (error) {
      console.log(JSON.stringify({ opened: false, preopened, code: error.code, message: error.message }));
    }
  `;
  const { stdout } = await run(process.execPath, ["--import", "./lib/db/preopen.mjs", "--import", "tsx", "--input-type=module", "-e", code], {
    cwd: repositoryRoot,
    env: { ...process.env, DATABASE_URL: "", HETUMIND_PGLITE_THREAD: "", ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as Record<string, unknown>;
}

describe("the database started by the start script's preload", () => {
  let directory: string;
  let dataDir: string;
  let handle: DatabaseHandle | undefined;

  beforeEach(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "hetumind-preopen-"));
    dataDir = path.join(directory, "data");
    const seeded = await openDatabase({ dataDir, seedDataDir: await readTemplate(await ensureDatabaseTemplate()) });
    await seeded.close();
  });
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("is adopted by openDatabase, which then holds the lock in its own name and releases it at close", async () => {
    const result = await startWithPreload({ HETUMIND_DATA_DIR: dataDir });
    expect(result).toMatchObject({ opened: true, preopened: true, adopted: true, workspaces: ["default"] });
    expect(result.lockPid).toBe(result.pid);
    expect(fs.existsSync(dataDirLockPath(dataDir))).toBe(false);
  });

  it("does nothing while another process holds the data dir; the server then refuses it naming the holder", async () => {
    handle = await openDatabase({ dataDir });
    const result = await startWithPreload({ HETUMIND_DATA_DIR: dataDir });
    expect(result).toMatchObject({ opened: false, preopened: false, code: "data_dir_locked" });
    expect(String(result.message)).toContain(String(process.pid));
    // Our lock is untouched: we still use the database.
    expect(JSON.parse(fs.readFileSync(dataDirLockPath(dataDir), "utf8")).pid).toBe(process.pid);
    expect(await queryRows(handle.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });

  it("does nothing for a new data dir or with HETUMIND_PGLITE_THREAD=off: the ordinary path opens them", async () => {
    const fresh = path.join(directory, "fresh");
    expect(await startWithPreload({ HETUMIND_DATA_DIR: fresh })).toMatchObject({ opened: true, preopened: false, workspaces: ["default"] });
    expect(await startWithPreload({ HETUMIND_DATA_DIR: dataDir, HETUMIND_PGLITE_THREAD: "off" })).toMatchObject({ opened: true, preopened: false });
  });
});

describe("the start-up migration check", () => {
  let directory: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "hetumind-migrate-"));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it("applies a migration newer than the database's last one, and only once", async () => {
    const migrations = path.join(directory, "drizzle");
    fs.cpSync(resolveMigrationsFolder(), migrations, { recursive: true });
    const dataDir = path.join(directory, "data");
    const first = await openDatabase({ dataDir, migrationsFolder: migrations, thread: false });
    await first.close();

    // A new migration, as drizzle-kit writes one: the SQL file and its journal entry.
    const journalPath = path.join(migrations, "meta", "_journal.json");
    const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as { entries: Array<{ idx: number; when: number; tag: string; version: string; breakpoints: boolean }> };
    const last = journal.entries.at(-1)!;
    const tag = `${String(last.idx + 1).padStart(4, "0")}_probe`;
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag });
    fs.writeFileSync(journalPath, JSON.stringify(journal, null, 2));
    fs.writeFileSync(path.join(migrations, `${tag}.sql`), "CREATE TABLE migration_probe (id integer primary key);\n--> statement-breakpoint\nINSERT INTO migration_probe VALUES (1);");

    for (let open = 0; open < 2; open++) {
      const database = await openDatabase({ dataDir, migrationsFolder: migrations, thread: false });
      try {
        // Applied the first time; the second open finds the database current (a second run would fail: the table exists).
        expect(await queryRows(database.db, sql`select id from migration_probe`)).toEqual([{ id: 1 }]);
      } finally {
        await database.close();
      }
    }
  });
});
