/**
 * Work this thread can do later, while it would otherwise wait: building a sandbox VM for the next Code tool call,
 * disposing of a used one. Done inside a run, such work sits between a model's answer and the next request (~0.3-0.5 ms
 * each); done while the run's end is written to the database (~1 ms in which this thread has nothing to do), it costs
 * the run nothing. See docs/decisions/sandbox-work-while-the-database-writes.md.
 *
 * Queued work runs when a caller says the thread is about to wait (`runIdleWorkSoon`: the engine, once an execution's end
 * statement has left), or at the latest `IDLE_WORK_DEADLINE_MS` after it was queued.
 */
import { createLogger } from "@/lib/log";

export const IDLE_WORK_DEADLINE_MS = 20;

const log = createLogger({ component: "idle-work" });
const queue: Array<{ label: string; task: () => void }> = [];
let deadline: NodeJS.Timeout | undefined;
let soon = false;

/** Runs `task` when this thread is next idle (at the latest IDLE_WORK_DEADLINE_MS from now). */
export function whenIdle(label: string, task: () => void): void {
  queue.push({ label, task });
  if (!deadline) {
    deadline = setTimeout(runIdleWork, IDLE_WORK_DEADLINE_MS);
    // Nothing queued here is worth keeping a process alive for.
    deadline.unref();
  }
}

/**
 * The caller has just started I/O it will wait for: queued work runs after the promise jobs that send it (a
 * setImmediate runs once those are done, before the answer can be handled).
 */
export function runIdleWorkSoon(): void {
  if (queue.length === 0 || soon) return;
  soon = true;
  setImmediate(() => {
    soon = false;
    runIdleWork();
  });
}

/** Runs everything queued now (each task's failure is logged; the others still run). */
export function runIdleWork(): void {
  if (deadline) clearTimeout(deadline);
  deadline = undefined;
  for (const { label, task } of queue.splice(0)) {
    try {
      task();
    } catch (error) {
      log.error("idle work failed", { work: label, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

/** How many tasks wait (tests). */
export function idleWorkQueued(): number {
  return queue.length;
}
