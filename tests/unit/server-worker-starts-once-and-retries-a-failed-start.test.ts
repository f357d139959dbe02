/**
 * The server worker starts once per process, whoever asks first (a request, /api/ready, instrumentation's timer); its
 * engine is usable before the driver runs; a failed start is forgotten so that the next caller tries again.
 */
import { afterEach, describe, expect, it } from "vitest";
import { serverWorkerRunning, serverWorkerStarted, startOnce } from "../../lib/engine/server-worker-state";

const slots = globalThis as unknown as Record<symbol, unknown>;
afterEach(() => {
  delete slots[Symbol.for("hetumind.server-worker")];
  delete slots[Symbol.for("hetumind.server-worker.running")];
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe("startOnce", () => {
  it("runs the start once for every caller; the engine is there before the driver runs", async () => {
    const engine = deferred<string>();
    const worker = deferred<string>();
    let starts = 0;
    const start = () => {
      starts += 1;
      return { engine: engine.promise, worker: worker.promise };
    };
    const first = startOnce(start);
    const second = startOnce(start);
    expect(starts).toBe(1);
    expect(serverWorkerStarted()).toBe(true);
    engine.resolve("engine");
    expect(await second.engine).toBe("engine");
    expect(serverWorkerRunning()).toBe(false);
    worker.resolve("driver");
    expect(await first.worker).toBe("driver");
    expect(serverWorkerRunning()).toBe(true);
  });

  it("forgets a failed start: the next caller starts again", async () => {
    const failing = startOnce(() => ({ engine: Promise.reject(new Error("database locked")), worker: Promise.reject(new Error("database locked")) }));
    await expect(failing.engine).rejects.toThrow("database locked");
    await expect(failing.worker).rejects.toThrow("database locked");
    expect(serverWorkerStarted()).toBe(false);
    const retried = startOnce(() => ({ engine: Promise.resolve("engine"), worker: Promise.resolve("driver") }));
    expect(await retried.worker).toBe("driver");
    expect(serverWorkerRunning()).toBe(true);
  });
});
