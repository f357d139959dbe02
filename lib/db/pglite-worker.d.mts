import type { Worker } from "node:worker_threads";

export interface PGliteWorkerOptions {
  /** The data directory; undefined: in memory. */
  dataDir?: string;
  /** postgresql.conf lines (shared_buffers...). */
  settings?: string[];
  /** Load the pgvector extension. */
  vector?: boolean;
  /** A data dir tarball to start a new database from. */
  loadDataDir?: Blob;
}

export interface PGliteWorker {
  worker: Worker;
  /** Settles when PGlite has opened in the thread (rejects with the reason it could not). */
  ready: Promise<void>;
}

export interface PreopenedDatabase extends PGliteWorker {
  dataDir: string;
  settings: string[];
}

/** How many statements the embedded database keeps prepared (lib/db/pglite-prepared.mjs). */
export const PREPARED_STATEMENTS_KEPT: number;
export function defaultDataDir(): string;
export function pgliteSettings(): string[];
export function startPGliteWorker(options: PGliteWorkerOptions): PGliteWorker;
export function setPreopenedDatabase(entry: PreopenedDatabase): void;
export function takePreopenedDatabase(dataDir: string, settings: string[]): PGliteWorker | undefined;
