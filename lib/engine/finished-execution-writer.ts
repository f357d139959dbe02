import type { Database } from "@/lib/db/client";
import { type FinishedExecutionRecord, insertFinishedExecutions } from "@/lib/db/queries/executions";

interface Queued {
  record: FinishedExecutionRecord;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for executions recorded when they end (`StartRequest.deferRecord`): every execution that ends while a
 * write is in flight goes into the next write, all of them (rows and node runs) in one statement. Under load one round
 * trip records many executions; alone, an execution is written at once. If a batch fails, its executions are written
 * one by one, so that one bad row fails only its own execution.
 */
export class FinishedExecutionWriter {
  private queue: Queued[] = [];
  private flushing = false;
  /** Executions of the batch being written. */
  private writing = 0;
  private admissions: Array<() => void> = [];

  constructor(
    private readonly db: Database,
    private readonly maxBatch = 200,
    /** How many executions may wait for their write before `admit()` holds new ones back. */
    private readonly maxPending = 1000,
  ) {}

  /**
   * Resolves at once while fewer than `maxPending` executions wait for their write, else once the writes have caught up:
   * deferred executions then start no faster than the database records them, and the queue (memory) stays bounded.
   */
  admit(): Promise<void> {
    if (this.pending < this.maxPending) return Promise.resolve();
    return new Promise<void>((resolve) => this.admissions.push(resolve));
  }

  /** Resolves when the execution and its node runs are stored. */
  write(record: FinishedExecutionRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      // After the current I/O callbacks: a webhook's answer (already handed to the HTTP server) is written to its
      // socket before this statement holds the thread (the embedded database runs on it), and executions ending
      // meanwhile join the batch.
      setImmediate(() => void this.flush());
    });
  }

  /** Executions waiting for their write (queued or being written). */
  get pending(): number {
    return this.queue.length + this.writing;
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.writing = batch.length;
        try {
          await insertFinishedExecutions(this.db, batch.map((entry) => entry.record));
          for (const entry of batch) entry.resolve();
        } catch (error) {
          if (batch.length === 1) batch[0].reject(error);
          else for (const entry of batch) await insertFinishedExecutions(this.db, [entry.record]).then(entry.resolve, entry.reject);
        } finally {
          this.writing = 0;
          this.admitWaiting();
        }
      }
    } finally {
      this.flushing = false;
      this.admitWaiting();
    }
  }

  private admitWaiting(): void {
    const room = this.maxPending - this.pending;
    if (room > 0) for (const admit of this.admissions.splice(0, room)) admit();
  }
}
