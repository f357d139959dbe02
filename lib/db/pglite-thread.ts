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
import type { Worker } from "node:worker_threads";
import { startPGliteWorker, type PGliteWorker, type PGliteWorkerOptions } from "./pglite-worker.mjs";

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

export type PGliteThreadOptions = PGliteWorkerOptions;

export class PGliteThreadClient {
  readonly waitReady: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private isClosed = false;
  private failure: Error | undefined;

  /** Starts a database thread, or adopts one already started (`{ worker, ready }`: the start script's preload). */
  constructor(options: PGliteThreadOptions | { started: PGliteWorker }) {
    const { worker, ready } = "started" in options ? options.started : startPGliteWorker(options);
    this.worker = worker;
    this.waitReady = ready;
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
