/**
 * The agent stepper's checkpoints on their way to the saver (agents/agent-stepper.ts): stored in order, one at a time
 * (a checkpoint refers to blobs its predecessors wrote, and on postgres.js two statements may run on two connections).
 *
 * A checkpoint that waits for its turn while the one before it is being written, and that records a step acting only
 * inside the run (a model call, pure tools), is **replaced** by the next step's checkpoint: that one keeps the waiting
 * one's parent and stores the blobs of every channel either step wrote, so the thread resumes from it exactly as from
 * the two. A crash before it lands repeats those inside steps, as a crash a moment earlier would have. A checkpoint of
 * a step that acted outside the run (a tool that is not pure) is never replaced nor dropped: it is stored before any
 * later one. At most one replaceable checkpoint waits, so a slow database costs at most one write per step instead of
 * a growing backlog.
 *
 * A checkpoint that records only pure tools (`lingers`) is held up to LINGER_MS before it is sent, for the next step's
 * checkpoint to replace it or for the caller to drop it: a fast model call after a Code tool then costs no write of its
 * own. A crash meanwhile runs the pure tools again (which changes nothing) and resends a model call that had not
 * completed; a model call's own checkpoint is never held. `settled` sends a held checkpoint at once.
 */
import type { BaseCheckpointSaver, ChannelVersions, Checkpoint, CheckpointMetadata } from "@langchain/langgraph-checkpoint";

export interface QueuedCheckpoint {
  /** Its thread and its parent (`checkpoint_id`). */
  config: { configurable: { thread_id: string; checkpoint_ns: string; checkpoint_id: string } };
  checkpoint: Checkpoint;
  metadata: CheckpointMetadata;
  newVersions: ChannelVersions;
  /** The step it records acted outside the run: it is stored as it is, never replaced nor dropped. */
  sealed: boolean;
  /** The step it records ran only pure tools: it may be held up to LINGER_MS for a newer one to replace it. */
  lingers?: boolean;
}

/** How long a checkpoint of pure tools is held for the next step's checkpoint to replace it. */
export const LINGER_MS = 50;

type Waiting = QueuedCheckpoint & { sendAt: number };

export class CheckpointQueue {
  private readonly waiting: Waiting[] = [];
  private writing = false;
  private held: NodeJS.Timeout | undefined;
  private failure: { error: unknown } | undefined;
  private idle: Array<() => void> = [];

  constructor(private readonly saver: BaseCheckpointSaver) {}

  /** The first failure to store a checkpoint: nothing is stored after it. */
  get failed(): { error: unknown } | undefined {
    return this.failure;
  }

  add(entry: QueuedCheckpoint): void {
    if (this.failure) return;
    const sendAt = entry.lingers ? performance.now() + LINGER_MS : 0;
    const last = this.waiting.at(-1);
    if (last && !last.sealed) {
      this.waiting[this.waiting.length - 1] = { ...entry, sendAt, config: last.config, newVersions: { ...last.newVersions, ...entry.newVersions } };
    } else {
      this.waiting.push({ ...entry, sendAt });
    }
    if (!this.writing) this.writeNext();
  }

  /** Resolves once every checkpoint added so far is stored (a held one is sent at once); rejects with the first failure. */
  settled(): Promise<void> {
    for (const entry of this.waiting) entry.sendAt = 0;
    // Sends what waits now; with nothing waiting it only stops a hold's timer.
    if (!this.writing) this.writeNext();
    const done = this.writing || this.waiting.length > 0 ? new Promise<void>((resolve) => this.idle.push(resolve)) : Promise.resolve();
    return done.then(() => {
      if (this.failure) throw this.failure.error;
    });
  }

  /**
   * The caller records the state in its next write: a replaceable checkpoint still waiting for its turn (or held) is not
   * needed any more. Resolves like `settled`.
   */
  dropWaiting(): Promise<void> {
    if (this.waiting.length > 0 && !this.waiting.at(-1)!.sealed) this.waiting.pop();
    return this.settled();
  }

  private writeNext(): void {
    clearTimeout(this.held);
    this.held = undefined;
    const next = this.waiting[0];
    if (!next) {
      this.writing = false;
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    const wait = next.sendAt - performance.now();
    if (wait > 0) {
      // Held for a newer checkpoint to replace it; `settled` or the timer sends it.
      this.writing = false;
      this.held = setTimeout(() => this.writeNext(), wait);
      return;
    }
    this.waiting.shift();
    this.writing = true;
    this.saver.put(next.config, next.checkpoint, next.metadata, next.newVersions).then(
      () => this.writeNext(),
      (error: unknown) => {
        this.failure ??= { error };
        this.waiting.length = 0;
        this.writeNext();
      },
    );
  }
}
