/**
 * Preloaded by `npm start` (`node --import ./lib/db/preopen.mjs ... next start`): starts the embedded database's thread
 * at process start, before Next.js loads, so that PGlite's ~1 s of start-up runs on the other core while Next boots
 * (docs/decisions/server-start-up.md). The server's `openDatabase` adopts the thread (takePreopenedDatabase) instead of
 * starting one; migrations, the lock and everything else stay there.
 *
 * Only for an existing data directory whose lock is free: a new database (seeded, migrated from scratch), a Postgres
 * server (`DATABASE_URL`), `HETUMIND_PGLITE_THREAD=off` or a held lock take the ordinary path, which reports problems.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defaultDataDir, pgliteSettings, setPreopenedDatabase, startPGliteWorker } from "./pglite-worker.mjs";

function preopen() {
  if (process.env.DATABASE_URL || process.env.HETUMIND_PGLITE_THREAD === "off") return;
  const dataDir = defaultDataDir();
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) return;
  // The lock of lib/db/data-dir-lock.ts, taken the same way (created exclusively, naming this process); openDatabase
  // takes it over from us (a lock naming our own PID that it does not hold).
  const lockPath = `${dataDir}.lock`;
  let fd;
  try {
    fd = fs.openSync(lockPath, "wx");
  } catch {
    return; // held (or left behind): the ordinary path decides
  }
  fs.writeSync(fd, JSON.stringify({ pid: process.pid, hostname: os.hostname(), acquiredAt: new Date().toISOString() }));
  fs.closeSync(fd);
  const settings = pgliteSettings();
  setPreopenedDatabase({ dataDir, settings, ...startPGliteWorker({ dataDir, settings, vector: true }) });
}

try {
  preopen();
} catch (error) {
  // Never stop the server from starting: the ordinary path opens the database (and reports what is wrong).
  console.error(JSON.stringify({ level: "warn", msg: "starting the database early failed", error: error instanceof Error ? error.message : String(error) }));
}
