/**
 * The embedded database's worker thread, in plain JavaScript so that two callers share it: `PGliteThreadClient`
 * (lib/db/pglite-thread.ts, bundled into the server) and the start script's preload (lib/db/preopen.mjs: `npm start`
 * runs `node --import ./lib/db/preopen.mjs ... next start`), which starts the database at process start, before Next.js
 * loads, so that its ~1 s of WASM start-up overlaps Next's own (docs/decisions/server-start-up.md).
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { createPreparedStatements } from "./pglite-prepared.mjs";

/** How many statements the embedded database keeps prepared (lib/db/pglite-prepared.mjs). */
export const PREPARED_STATEMENTS_KEPT = 256;

/** The data directory when none is given: `HETUMIND_DATA_DIR`, else `.hetumind/data` under the current directory. */
export function defaultDataDir() {
  return path.resolve(process.env.HETUMIND_DATA_DIR || path.join(process.cwd(), ".hetumind", "data"));
}

/**
 * postgresql.conf lines of the embedded database. PGlite's defaults (shared_buffers 128MB, all of it WASM memory once
 * touched) cost ~400 MB of RSS; one process with small working sets does as well with less (figures in
 * docs/decisions/pglite-memory-settings.md). `HETUMIND_PGLITE_SHARED_BUFFERS` overrides the buffer size.
 */
export function pgliteSettings() {
  const sharedBuffers = process.env.HETUMIND_PGLITE_SHARED_BUFFERS || "16MB";
  if (!/^\d+(kB|MB|GB)$/.test(sharedBuffers)) throw new Error(`HETUMIND_PGLITE_SHARED_BUFFERS must look like 16MB, got "${sharedBuffers}"`);
  return [`shared_buffers = ${sharedBuffers}`, "wal_buffers = 1MB", "work_mem = 2MB", "maintenance_work_mem = 16MB", "temp_buffers = 2MB"];
}

/**
 * A package's entry, resolved from this module's location (in a Next build: its chunk under .next/, inside the
 * project), else from the current directory.
 */
function packagePath(specifier) {
  try {
    return createRequire(import.meta.url).resolve(specifier);
  } catch {
    return createRequire(path.join(process.cwd(), "package.json")).resolve(specifier);
  }
}

/** The worker's code: it loads PGlite by file URL (the starting thread resolves the packages). */
const WORKER_SOURCE = `
(async () => {
  // Dynamic imports only: the same code runs whether Node evaluates it as CommonJS or as a module.
  const { parentPort, workerData } = await import("node:worker_threads");
  const load = async (url) => { const module = await import(url); return module.default ?? module; };
  const pglite = await load(workerData.pgliteUrl);
  const { PGlite } = pglite;
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
  const prepared = (${createPreparedStatements.toString()})(db, pglite, ${PREPARED_STATEMENTS_KEPT});
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
      const transaction = request.tx === undefined ? undefined : transactions.get(request.tx)?.tx;
      if (request.tx !== undefined && !transaction) throw new Error("the transaction " + request.tx + " is not open");
      const target = transaction ?? db;
      if (request.op === "query") {
        const parsers = {};
        for (const typeId of request.rawTypes) parsers[typeId] = raw;
        result = await prepared.query(request.sql, request.params, { rowMode: request.rowMode, parsers }, transaction);
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


/**
 * Starts the database thread: `{ worker, ready }`, `ready` settling when PGlite has opened (or failed to).
 * Options: `dataDir` (undefined: in memory), `settings` (postgresql.conf lines), `vector` (load pgvector), `loadDataDir`
 * (a data dir tarball to start a new database from).
 */
export function startPGliteWorker(options) {
  const worker = new Worker(WORKER_SOURCE, {
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
  const ready = new Promise((resolve, reject) => {
    const onReady = (message) => {
      if (message.ready === undefined) return;
      worker.off("message", onReady);
      if (message.ready) resolve();
      else reject(new Error(`the database thread could not open the database: ${message.error?.message}`));
    };
    worker.on("message", onReady);
    worker.once("error", reject);
  });
  // Settled by whoever adopts the worker; a worker nobody adopts must not raise an unhandled rejection.
  ready.catch(() => undefined);
  return { worker, ready };
}

const PREOPENED_KEY = Symbol.for("hetumind.preopened-database");

/** Records a database thread started before the server loaded (preopen.mjs), for `takePreopenedDatabase`. */
export function setPreopenedDatabase(entry) {
  globalThis[PREOPENED_KEY] = entry;
}

/**
 * The database thread the preload started for `dataDir` with these settings, once: `{ worker, ready }`, or undefined
 * (none, another directory or other settings: then the caller starts its own, and the preloaded one is stopped).
 */
export function takePreopenedDatabase(dataDir, settings) {
  const entry = globalThis[PREOPENED_KEY];
  if (!entry) return undefined;
  delete globalThis[PREOPENED_KEY];
  if (entry.dataDir === dataDir && JSON.stringify(entry.settings) === JSON.stringify(settings)) return entry;
  void entry.worker.terminate();
  return undefined;
}
