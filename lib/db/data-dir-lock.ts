/**
 * PGlite is single-process: two processes opening the same data directory corrupt it. Whoever opens a data dir
 * takes `<dataDir>.lock` (a sibling file, so PGlite's own directory stays untouched) holding its PID, created
 * atomically with `open(..., "wx")`. Another live process holding it -> `DataDirLockedError` naming that PID.
 * A lock left by a dead process (crash, SIGKILL, Ctrl-C: Node runs no exit handlers on signals) is taken over.
 * Released on close and on process exit.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DataDirLockedError } from "../errors";

interface LockFileContent {
  pid: number;
  hostname?: string;
  acquiredAt?: string;
}

export interface DataDirLock {
  readonly dataDir: string;
  readonly lockPath: string;
  /** Removes the lock file (if it is still ours). Idempotent. */
  release(): void;
}

/** Lock files this process holds, so that a lock naming our own PID but not taken by us is recognised as stale. */
const heldLockPaths = new Set<string>();

export function dataDirLockPath(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

/**
 * Takes the lock of `dataDir` or throws `DataDirLockedError`. `isProcessAlive` is replaceable for tests only.
 */
export function acquireDataDirLock(
  dataDir: string,
  options: { isProcessAlive?: (pid: number) => boolean } = {},
): DataDirLock {
  const isAlive = options.isProcessAlive ?? isProcessAlive;
  const resolvedDir = path.resolve(dataDir);
  const lockPath = dataDirLockPath(resolvedDir);
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });

  if (heldLockPaths.has(lockPath)) throw new DataDirLockedError(resolvedDir, process.pid);

  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (tryCreateLockFile(lockPath)) return registerLock(resolvedDir, lockPath);

    const holder = readLockFile(lockPath);
    if (holder === "missing") continue; // released between our create and our read: try again
    // A lock naming our own PID that we do not hold was left by an earlier process with the same PID (containers
    // restart their main process with the same PID).
    const holderIsLive = holder !== "unreadable" && holder.pid !== process.pid && isAlive(holder.pid);
    if (holderIsLive) throw new DataDirLockedError(resolvedDir, holder.pid);
    if (holder === "unreadable" && !lockFileIsOld(lockPath)) {
      // Another process created the file and has not written its PID yet.
      sleepSync(20);
      continue;
    }
    takeOverStaleLock(lockPath, holder === "unreadable" ? undefined : holder.pid);
  }
  const holder = readLockFile(lockPath);
  throw new DataDirLockedError(resolvedDir, typeof holder === "object" ? holder.pid : -1);
}

/** `process.kill(pid, 0)` succeeds or fails with EPERM when the process exists. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryCreateLockFile(lockPath: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, "wx", 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    const content: LockFileContent = { pid: process.pid, hostname: os.hostname(), acquiredAt: new Date().toISOString() };
    fs.writeSync(fd, `${JSON.stringify(content)}\n`);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function readLockFile(lockPath: string): LockFileContent | "missing" | "unreadable" {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && Number.isInteger((parsed as LockFileContent).pid)) {
      return parsed as LockFileContent;
    }
  } catch {
    // fall through: a half-written or foreign file
  }
  // A bare PID is accepted too (a lock written by hand or by an older version).
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 && String(pid) === text.trim() ? { pid } : "unreadable";
}

function lockFileIsOld(lockPath: string): boolean {
  try {
    return Date.now() - fs.statSync(lockPath).mtimeMs > 2_000;
  } catch {
    return true;
  }
}

/**
 * Moves the stale lock aside with an atomic rename, then checks that what was moved is the stale lock that was judged
 * (and not a fresh lock that another process created meanwhile); if it was fresh, puts it back.
 */
function takeOverStaleLock(lockPath: string, stalePid: number | undefined): void {
  const aside = `${lockPath}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const moved = readLockFile(aside);
  const movedPid = typeof moved === "object" ? moved.pid : undefined;
  if (movedPid !== stalePid) {
    try {
      fs.linkSync(aside, lockPath); // fails with EEXIST if yet another process took the lock: then theirs stands
    } catch {
      // ignore
    }
  }
  fs.rmSync(aside, { force: true });
}

function registerLock(dataDir: string, lockPath: string): DataDirLock {
  heldLockPaths.add(lockPath);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    heldLockPaths.delete(lockPath);
    process.removeListener("exit", release);
    const holder = readLockFile(lockPath);
    if (typeof holder === "object" && holder.pid === process.pid) fs.rmSync(lockPath, { force: true });
  };
  process.on("exit", release);
  return { dataDir, lockPath, release };
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
