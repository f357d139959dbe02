/**
 * The embedded database on a thread of its own: PGlite (Postgres in WASM) runs in a worker thread and the server's main
 * thread talks to it through `PGliteThreadClient`, which has the part of PGlite's API that drizzle-orm/pglite uses
 * (`query`, `exec`, `transaction`, `waitReady`, `close`). Postgres's CPU time (a third of an agent run's) then runs on
 * the other core instead of blocking the event loop, and its start-up (about a second of WASM) overlaps the server's.
 * See docs/decisions/pglite-on-a-worker-thread.md.
 *
 * One message per statement; rows come back by structured clone. Queries outside a transaction queue inside PGlite
 * (its own lock) behind a running transaction, exactly as in process.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

interface QueryOptions {
  rowMode?: "array" | "object";
  parsers?: Record<number, (value: string, typeId: number) => unknown>;
}

export interface ThreadResults<Row = unknown> {
  rows: Row[];
  fields: Array<{ name: string; dataTypeID: number }>;
  affectedRows?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type Request =
  | { op: "query"; sql: string; params: unknown[]; rowMode: "array" | "object"; rawTypes: number[]; tx?: number }
  | { op: "exec"; sql: string; tx?: number }
  | { op: "begin" }
  | { op: "end"; tx: number; commit: boolean }
  | { op: "close" };

/** A Postgres error from the thread, with its fields (code, detail, constraint...) as PGlite gives them. */
export class PGliteThreadError extends Error {
  constructor(fields: Record<string, unknown>) {
    super(typeof fields.message === "string" ? fields.message : "database error");
    Object.assign(this, fields);
    this.name = typeof fields.name === "string" ? fields.name : "DatabaseError";
  }
}

/**
 * drizzle passes parsers that return Postgres's text unchanged (timestamps, dates, intervals, some arrays); functions
 * cannot cross to the thread, so only such parsers are accepted, as a list of type ids kept raw there.
 */
const rawTypesCache = new WeakMap<object, number[]>();

function rawTypesOf(parsers: QueryOptions["parsers"]): number[] {
  if (!parsers) return [];
  // drizzle keeps one parsers object per prepared query: checked once, not on every statement.
  let rawTypes = rawTypesCache.get(parsers);
  if (!rawTypes) {
    rawTypes = Object.entries(parsers).map(([typeId, parse]) => {
      const probe = "hetumind-probe-2000-01-01";
      if (parse(probe, Number(typeId)) !== probe) {
        throw new Error(`PGliteThreadClient supports only parsers that keep the text as it is (type ${typeId} has another)`);
      }
      return Number(typeId);
    });
    rawTypesCache.set(parsers, rawTypes);
  }
  return rawTypes;
}

/** The worker's code: it loads PGlite by file URL (the main thread resolves the packages). */
const WORKER_SOURCE = `
(async () => {
  // Dynamic imports only: the same code runs whether Node evaluates it as CommonJS or as a module.
  const { parentPort, workerData } = await import("node:worker_threads");
  const load = async (url) => { const module = await import(url); return module.default ?? module; };
  const { PGlite } = await load(workerData.pgliteUrl);
  const extensions = {};
  if (workerData.vectorUrl) extensions.vector = (await load(workerData.vectorUrl)).vector;
  let db;
  try {
    db = new PGlite(workerData.dataDir, { extensions, postgresqlconf: workerData.settings, ...(workerData.loadDataDir ? { loadDataDir: workerData.loadDataDir } : {}) });
    await db.waitReady;
  } catch (error) {
    parentPort.postMessage({ ready: false, error: { message: String(error && error.stack || error) } });
    return;
  }
  parentPort.postMessage({ ready: true });
  const transactions = new Map();
  let nextTx = 1;
  const raw = (value) => value;
  const errorFields = (error) => {
    const fields = { message: String(error && error.message || error), name: error && error.name };
    for (const key of ["code", "detail", "hint", "severity", "constraint", "table", "column", "schema", "position", "where", "routine"]) {
      if (error && error[key] !== undefined) fields[key] = error[key];
    }
    return fields;
  };
  parentPort.on("message", async (message) => {
    const { id, request } = message;
    try {
      let result;
      const target = request.tx === undefined ? db : transactions.get(request.tx)?.tx;
      if (!target) throw new Error("the transaction " + request.tx + " is not open");
      if (request.op === "query") {
        const parsers = {};
        for (const typeId of request.rawTypes) parsers[typeId] = raw;
        result = await target.query(request.sql, request.params, { rowMode: request.rowMode, parsers });
        result = { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows };
      } else if (request.op === "exec") {
        result = (await target.exec(request.sql)).map((r) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows }));
      } else if (request.op === "begin") {
        // PGlite's transaction holds its lock from BEGIN until the callback returns: other statements wait in PGlite.
        const tx = nextTx++;
        let end;
        const ended = new Promise((resolve) => (end = resolve));
        let opened;
        const ready = new Promise((resolve) => (opened = resolve));
        const done = db.transaction(async (handle) => {
          transactions.set(tx, { tx: handle, end, done: undefined });
          opened();
          const commit = await ended;
          if (!commit) await handle.rollback();
        });
        // A BEGIN that fails rejects \`done\` before the callback ran.
        await Promise.race([ready, done]);
        transactions.get(tx).done = done;
        result = tx;
      } else if (request.op === "end") {
        const open = transactions.get(request.tx);
        if (!open) throw new Error("the transaction " + request.tx + " is not open");
        transactions.delete(request.tx);
        open.end(request.commit);
        // COMMIT's own failure (a deferred constraint) reaches the caller.
        await open.done;
        result = null;
      } else if (request.op === "close") {
        await db.close();
        result = null;
      }
      parentPort.postMessage({ id, ok: true, result });
    } catch (error) {
      parentPort.postMessage({ id, ok: false, error: errorFields(error) });
    }
  });
})();
`;

export interface PGliteThreadOptions {
  /** The data directory; undefined: in memory. */
  dataDir?: string;
  /** postgresql.conf lines (shared_buffers...). */
  settings?: string[];
  /** Load the pgvector extension. */
  vector?: boolean;
  /** A data dir tarball to start a new database from. */
  loadDataDir?: Blob;
}

/**
 * A package's CommonJS entry, resolved from this module's location (in a Next build: its chunk under .next/, inside the
 * project), else from the current directory.
 */
function packagePath(specifier: string): string {
  try {
    return createRequire(import.meta.url).resolve(specifier);
  } catch {
    return createRequire(path.join(process.cwd(), "package.json")).resolve(specifier);
  }
}

export class PGliteThreadClient {
  readonly waitReady: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private isClosed = false;
  private failure: Error | undefined;

  constructor(options: PGliteThreadOptions) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Not the parent's flags (--import tsx, --input-type, heap limits meant for the main thread).
      execArgv: [],
      workerData: {
        pgliteUrl: pathToFileURL(packagePath("@electric-sql/pglite")).href,
        vectorUrl: options.vector ? pathToFileURL(packagePath("@electric-sql/pglite-pgvector")).href : undefined,
        dataDir: options.dataDir,
        settings: options.settings ?? [],
        loadDataDir: options.loadDataDir,
      },
    });
    this.waitReady = new Promise<void>((resolve, reject) => {
      const onReady = (message: { ready?: boolean; error?: { message: string } }) => {
        if (message.ready === undefined) return;
        this.worker.off("message", onReady);
        if (message.ready) resolve();
        else reject(new Error(`the database thread could not open the database: ${message.error?.message}`));
      };
      this.worker.on("message", onReady);
      this.worker.once("error", reject);
    });
    // The thread keeps the process alive only while a statement is in flight (or it is starting): an open database with
    // nothing to do does not stop a script from ending, as an in-process PGlite would not.
    void this.waitReady.then(
      () => this.pending.size === 0 && this.worker.unref(),
      () => undefined,
    );
    this.worker.on("message", (message: { id?: number; ok?: boolean; result?: unknown; error?: Record<string, unknown> }) => {
      if (message.id === undefined) return;
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) this.worker.unref();
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new PGliteThreadError(message.error ?? {}));
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => {
      this.isClosed = true;
      if (this.pending.size > 0) fail(new Error(`the database thread exited (code ${code})`));
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  private send<T>(request: Request): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.isClosed) return Promise.reject(new Error("the database is closed"));
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, request });
    });
  }

  query<Row = unknown>(sql: string, params: unknown[] = [], options: QueryOptions = {}, tx?: number): Promise<ThreadResults<Row>> {
    return this.send({ op: "query", sql, params, rowMode: options.rowMode ?? "object", rawTypes: rawTypesOf(options.parsers), tx });
  }

  exec(sql: string, tx?: number): Promise<ThreadResults[]> {
    return this.send({ op: "exec", sql, tx });
  }

  /** Runs `work` in one transaction (BEGIN ... COMMIT, or ROLLBACK when it throws), as PGlite's `transaction` does. */
  async transaction<T>(work: (tx: { query: PGliteThreadClient["query"]; exec: PGliteThreadClient["exec"] }) => Promise<T>): Promise<T> {
    const tx = await this.send<number>({ op: "begin" });
    const handle = {
      query: <Row = unknown>(sql: string, params?: unknown[], options?: QueryOptions) => this.query<Row>(sql, params, options, tx),
      exec: (sql: string) => this.exec(sql, tx),
    };
    let result: T;
    try {
      result = await work(handle);
    } catch (error) {
      await this.send({ op: "end", tx, commit: false }).catch(() => undefined);
      throw error;
    }
    await this.send({ op: "end", tx, commit: true });
    return result;
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    try {
      await this.send({ op: "close" });
    } finally {
      this.isClosed = true;
      await this.worker.terminate();
    }
  }
}
