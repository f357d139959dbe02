/**
 * PGlite is single-process: a data directory held by a live process is refused to every other process, naming the
 * holder's PID; a lock left by a dead process is taken over; the lock goes when its holder closes or exits.
 * The second process is real: `node --import tsx` running lib/db code.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase, queryRows } from "../../lib/db/client";
import { acquireDataDirLock, dataDirLockPath } from "../../lib/db/data-dir-lock";
import { ensureDatabaseTemplate, readTemplate } from "../../lib/db/template";
import { DataDirLockedError } from "../../lib/errors";

const run = promisify(execFile);
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const clientModule = path.join(repositoryRoot, "lib/db/client.ts");
const lockModule = path.join(repositoryRoot, "lib/db/data-dir-lock.ts");

/** Runs ESM code in a fresh `node --import tsx` process; it prints one JSON line. */
async function runInOtherProcess(code: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: repositoryRoot,
    env: { ...process.env, DATABASE_URL: "" },
    timeout: 60_000,
  });
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as Record<string, unknown>;
}

function openInOtherProcess(dataDir: string): Promise<Record<string, unknown>> {
  return runInOtherProcess(`
    const { openDatabase, queryRows } = await import(${JSON.stringify(clientModule)});
    const { sql } = await import("drizzle-orm");
    try {
      const handle = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} });
      const rows = await queryRows(handle.db, sql\`select id from workspaces order by id\`);
      await handle.close();
      console.log(JSON.stringify({ opened: true, workspaces: rows.map((row) => row.id) }));
    } catch (error) {
      console.log(JSON.stringify({ opened: false, code: error.code, message: error.message, fields: error.fields }));
    }
  `);
}

async function deadPid(): Promise<number> {
  const child = await new Promise<number>((resolve, reject) => {
    const spawned = execFile(process.execPath, ["-e", ""], (error) => (error ? reject(error) : resolve(spawned.pid ?? -1)));
  });
  return child;
}

describe("data-dir lock", () => {
  let directory: string;
  let dataDir: string;
  let handle: DatabaseHandle | undefined;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "hetumind-lock-"));
    dataDir = path.join(directory, "data");
  });
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("refuses another process while this one holds the data dir, naming this PID; lets it in after close", async () => {
    const seedDataDir = await readTemplate(await ensureDatabaseTemplate());
    handle = await openDatabase({ dataDir, seedDataDir });
    await handle.db.execute(sql`insert into workspaces (id, name) values ('held', 'Held')`);
    expect(JSON.parse(fs.readFileSync(dataDirLockPath(dataDir), "utf8"))).toMatchObject({ pid: process.pid });

    const refused = await openInOtherProcess(dataDir);
    expect(refused).toMatchObject({ opened: false, code: "data_dir_locked", fields: { holderPid: process.pid } });
    expect(refused.message).toContain(`process ${process.pid}`);

    // In this process too: one PGlite per data dir.
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);

    await handle.close();
    handle = undefined;
    expect(fs.existsSync(dataDirLockPath(dataDir))).toBe(false);
    const opened = await openInOtherProcess(dataDir);
    expect(opened, JSON.stringify(opened)).toMatchObject({ opened: true, workspaces: ["default", "held"] });
    expect(fs.existsSync(dataDirLockPath(dataDir))).toBe(false);
  });

  it("takes over a lock left by a dead process", async () => {
    const seedDataDir = await readTemplate(await ensureDatabaseTemplate());
    const pid = await deadPid();
    fs.writeFileSync(dataDirLockPath(dataDir), JSON.stringify({ pid, hostname: os.hostname() }));

    handle = await openDatabase({ dataDir, seedDataDir });
    expect(JSON.parse(fs.readFileSync(dataDirLockPath(dataDir), "utf8"))).toMatchObject({ pid: process.pid });
    const rows = await queryRows<{ id: string }>(handle.db, sql`select id from workspaces`);
    expect(rows.map((row) => row.id)).toEqual(["default"]);
  });

  it("releases the lock when its process exits, and a lock naming this PID that this process never took is stale", async () => {
    const result = await runInOtherProcess(`
      const { acquireDataDirLock, dataDirLockPath } = await import(${JSON.stringify(lockModule)});
      acquireDataDirLock(${JSON.stringify(dataDir)});
      const fs = await import("node:fs");
      console.log(JSON.stringify({ held: fs.existsSync(dataDirLockPath(${JSON.stringify(dataDir)})), pid: process.pid }));
      process.exit(0);
    `);
    expect(result).toMatchObject({ held: true });
    expect(fs.existsSync(dataDirLockPath(dataDir))).toBe(false);

    // A container restarted with the same PID finds its own PID in the lock file.
    fs.writeFileSync(dataDirLockPath(dataDir), JSON.stringify({ pid: process.pid }));
    const lock = acquireDataDirLock(dataDir);
    expect(() => acquireDataDirLock(dataDir)).toThrow(DataDirLockedError);
    lock.release();
    expect(fs.existsSync(dataDirLockPath(dataDir))).toBe(false);
  });

  it("refuses a lock held by another live process without touching it", async () => {
    const lockPath = dataDirLockPath(dataDir);
    const livePid = process.ppid;
    fs.writeFileSync(lockPath, JSON.stringify({ pid: livePid }));
    const error = (() => {
      try {
        acquireDataDirLock(dataDir);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as DataDirLockedError).fields).toMatchObject({ holderPid: livePid });
    expect(JSON.parse(fs.readFileSync(lockPath, "utf8"))).toEqual({ pid: livePid });
  });
});
