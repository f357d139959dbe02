/**
 * The process-wide database (`getDatabase`): opened once from the environment, shared by every caller, closed and
 * reopened cleanly; and the migrations folder found whatever the current directory.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, getDatabase, openDatabase, queryRows } from "../../lib/db/client";
import { dataDirLockPath } from "../../lib/db/data-dir-lock";
import { resolveMigrationsFolder } from "../../lib/db/migrations";
import { ensureDatabaseTemplate, readTemplate } from "../../lib/db/template";

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("getDatabase", () => {
  let directory: string;
  let dataDir: string;
  const saved = { DATABASE_URL: process.env.DATABASE_URL, HETUMIND_DATA_DIR: process.env.HETUMIND_DATA_DIR };

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "hetumind-client-"));
    dataDir = path.join(directory, "data");
    // A data dir made from the template, so that no test waits for initdb.
    const seeded = await openDatabase({ dataDir, seedDataDir: await readTemplate(await ensureDatabaseTemplate()) });
    await seeded.close();
    delete process.env.DATABASE_URL;
    process.env.HETUMIND_DATA_DIR = dataDir;
  });
  afterAll(async () => {
    await closeDatabase();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("opens the data dir named by HETUMIND_DATA_DIR once for every caller, and closes it", async () => {
    const [first, second] = await Promise.all([getDatabase(), getDatabase()]);
    expect(first).toBe(second);
    // The server's embedded database runs on a worker thread (lib/db/pglite-thread.ts): no PGlite in this thread.
    expect(first).toMatchObject({ driver: "pglite", dataDir, hasVector: true, pglite: undefined });
    expect(await getDatabase()).toBe(first);
    expect(fs.existsSync(dataDirLockPath(dataDir))).toBe(true);
    const rows = await queryRows<{ id: string }>(first.db, sql`select id from workspaces`);
    expect(rows.map((row) => row.id)).toEqual(["default"]);

    await closeDatabase();
    await expect(queryRows(first.db, sql`select 1`)).rejects.toThrow();
    expect(fs.existsSync(dataDirLockPath(dataDir))).toBe(false);

    const reopened = await getDatabase();
    expect(reopened).not.toBe(first);
    await reopened.close(); // closing the handle itself also forgets it
    const third = await getDatabase();
    expect(third).not.toBe(reopened);
    await closeDatabase();
  });
});

describe("resolveMigrationsFolder", () => {
  it("finds the repository's drizzle/ folder from any current directory", () => {
    const before = process.cwd();
    try {
      process.chdir(os.tmpdir());
      expect(resolveMigrationsFolder()).toBe(path.join(repositoryRoot, "drizzle"));
    } finally {
      process.chdir(before);
    }
  });

  it("prefers an explicit folder, then HETUMIND_MIGRATIONS_DIR; a folder without a journal is passed over", () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "hetumind-migrations-"));
    fs.cpSync(path.join(repositoryRoot, "drizzle"), copy, { recursive: true });
    const previous = process.env.HETUMIND_MIGRATIONS_DIR;
    try {
      expect(resolveMigrationsFolder(copy)).toBe(copy);
      process.env.HETUMIND_MIGRATIONS_DIR = copy;
      expect(resolveMigrationsFolder()).toBe(copy);
      expect(resolveMigrationsFolder(path.join(os.tmpdir(), "no-such-folder"))).toBe(copy);
    } finally {
      if (previous === undefined) delete process.env.HETUMIND_MIGRATIONS_DIR;
      else process.env.HETUMIND_MIGRATIONS_DIR = previous;
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
