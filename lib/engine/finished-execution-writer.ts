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

  constructor(
    private readonly db: Database,
    private readonly maxBatch = 200,
  ) {}

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

  /** Executions waiting for their write. */
  get pending(): number {
    return this.queue.length;
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await insertFinishedExecutions(this.db, batch.map((entry) => entry.record));
          for (const entry of batch) entry.resolve();
        } catch (error) {
          if (batch.length === 1) batch[0].reject(error);
          else for (const entry of batch) await insertFinishedExecutions(this.db, [entry.record]).then(entry.resolve, entry.reject);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
