/**
 * Where the server's local driver stands, readable without loading the engine (instrumentation.ts reads it at start-up,
 * before any engine module is loaded). Kept on globalThis: Next.js bundles instrumentation and the routes separately,
 * and dev reloads re-evaluate modules; the state is the process's.
 */
const STARTED_KEY = Symbol.for("hetumind.server-worker");
const RUNNING_KEY = Symbol.for("hetumind.server-worker.running");
const PLANNED_KEY = Symbol.for("hetumind.server-worker.planned");

/** A start of the server worker: the engine (usable as soon as the database is open) and the running driver. */
export interface WorkerStart<E, W> {
  engine: Promise<E>;
  worker: Promise<W>;
}

type GlobalWithWorker = typeof globalThis & { [STARTED_KEY]?: WorkerStart<unknown, unknown>; [RUNNING_KEY]?: boolean; [PLANNED_KEY]?: boolean };

const store = () => globalThis as GlobalWithWorker;

/** This process runs the server worker (instrumentation.ts): the engine's users start it rather than an engine of their own. */
export function planServerWorker(): void {
  store()[PLANNED_KEY] = true;
}

export function serverWorkerPlanned(): boolean {
  return store()[PLANNED_KEY] === true;
}

/** Has the server worker's start begun in this process (it is starting or running)? */
export function serverWorkerStarted(): boolean {
  return store()[STARTED_KEY] !== undefined;
}

/** Is the local driver of this process running (its start finished)? */
export function serverWorkerRunning(): boolean {
  return store()[RUNNING_KEY] === true;
}

/** The one start of the server worker in this process: `start()` runs once; a failed start is forgotten (the next call tries again). */
export function startOnce<E, W>(start: () => WorkerStart<E, W>): WorkerStart<E, W> {
  const state = store();
  let current = state[STARTED_KEY] as WorkerStart<E, W> | undefined;
  if (!current) {
    const begun = start();
    const worker = begun.worker.then((value) => {
      state[RUNNING_KEY] = true;
      return value;
    });
    const started: WorkerStart<E, W> = { engine: begun.engine, worker };
    const forget = () => {
      if (state[STARTED_KEY] === started) delete state[STARTED_KEY];
    };
    begun.engine.catch(forget);
    worker.catch(forget);
    state[STARTED_KEY] = started;
    current = started;
  }
  return current;
}
