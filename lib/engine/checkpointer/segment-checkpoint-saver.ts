import type { RunnableConfig } from "@langchain/core/runnables";
import type { ChannelVersions, Checkpoint, CheckpointMetadata, PendingWrite } from "@langchain/langgraph-checkpoint";
import { type SQL, sql } from "drizzle-orm";
import { type NodeRunBatchInput, nodeRunBatchesInsertStatement } from "@/lib/db/queries/node-runs";
import type { ExecutionWrite } from "@/lib/workflow/node-definition";
import { DrizzleCheckpointSaver } from "./drizzle-checkpoint-saver";

/**
 * The engine's saver: `DrizzleCheckpointSaver` with fewer writes per segment.
 *
 * 1. In a segment graph every step has exactly one task (the `segment` node). LangGraph stores that task's writes
 *    (`putWrites`) and then, at once, the next checkpoint (`put`), which already folds those writes into its channel
 *    values; after that the writes are never read again. So plain channel writes are held back and dropped when the next
 *    checkpoint is written. If the process dies in between, the task runs again from the previous checkpoint — exactly
 *    what happens when it dies a moment earlier, and segments are built to be re-run (side effects carry idempotency
 *    keys). Writes to LangGraph's own channels (`__interrupt__`, `__resume__`, `__error__`, ...) are stored at once: a
 *    pause or an error must be on disk when the step stops.
 * 2. A segment's node runs are attached (`attachRuns`) and written in the same statement as the segment's checkpoint:
 *    atomically (a replayed segment never records its node runs twice) and in one round trip. Several segments carried
 *    by one checkpoint (durability "exit") go in as one multi-row INSERT, so that their batch ids keep their order.
 * 3. Nodes' writes handed over with `attachWrite` (`ExecuteContext.withNextWrite`: the agent's memory turn) go the same
 *    way: in the thread's next checkpoint, or in the execution's end (`takeAttachedWrites`), or at `release`.
 * 4. While an execution's row is being written (`afterRecord`: the engine starts a run without waiting for it), the
 *    writes of its threads (its own and its agents', `<executionId>/...`) wait for it, and fail with it.
 */
export class SegmentCheckpointSaver extends DrizzleCheckpointSaver {
  private readonly held = new Map<string, Array<{ config: RunnableConfig; writes: PendingWrite[]; taskId: string; taskPath?: string }>>();
  private readonly attached = new Map<string, NodeRunBatchInput[]>();
  private readonly attachedWrites = new Map<string, ExecutionWrite[]>();
  /** Executions whose nodes wrote threads of their own (`<executionId>/...`, the agents'), not deleted yet. */
  private readonly withSubThreads = new Set<string>();
  /** Executions whose row is being written. */
  private readonly recording = new Map<string, Promise<void>>();

  private static threadOf(config: RunnableConfig): string {
    return String(config.configurable?.thread_id ?? "");
  }

  /** The execution's row is being written: its threads' writes wait for `recorded` (and fail with it). */
  afterRecord(executionId: string, recorded: Promise<void>): void {
    this.recording.set(executionId, recorded);
    recorded.then(
      () => this.recording.get(executionId) === recorded && this.recording.delete(executionId),
      () => undefined,
    );
  }

  /** The run is over: a row that failed to be written is no longer waited for. */
  forgetRecord(executionId: string): void {
    this.recording.delete(executionId);
  }

  /** Resolves once the row of the thread's execution is written (at once when it is not being written). */
  private async recordOf(thread: string): Promise<void> {
    const slash = thread.indexOf("/");
    await this.recording.get(slash > 0 ? thread.slice(0, slash) : thread);
  }

  /** Writes a segment's node runs with the thread's next checkpoint. */
  attachRuns(thread: string, batch: NodeRunBatchInput): void {
    if (batch.runs.length === 0) return;
    const list = this.attached.get(thread) ?? [];
    list.push(batch);
    this.attached.set(thread, list);
  }

  /** Writes a node's statement with the thread's next checkpoint, or the execution's end (`takeAttachedWrites`). */
  attachWrite(thread: string, write: ExecutionWrite): void {
    const list = this.attachedWrites.get(thread) ?? [];
    list.push(write);
    this.attachedWrites.set(thread, list);
  }

  /**
   * The writes attached to a thread as CTEs (`attached_write_N as (...)`) taking effect where `condition` holds, forgetting
   * them; call `committed` once the statement carrying them committed with `condition` holding.
   */
  takeAttachedWrites(thread: string, condition: SQL): { ctes: SQL[]; committed(): void } {
    const writes = this.takeWrites(thread);
    return { ctes: writes.map((write, index) => sql`${sql.raw(`attached_write_${index}`)} as (${write(condition)})`), committed: () => SegmentCheckpointSaver.committed(writes) };
  }

  private static committed(writes: ExecutionWrite[]): void {
    for (const write of writes) write.committed?.();
  }

  /**
   * The attached node runs of a thread as one statement (none when there are none), and its attached writes, forgetting
   * them; `committed` for once they are written.
   */
  private takeAttached(thread: string): { statements: SQL[]; committed(): void } {
    const batches = this.attached.get(thread) ?? [];
    this.attached.delete(thread);
    const writes = this.takeWrites(thread);
    return {
      statements: [...(batches.length > 0 ? [nodeRunBatchesInsertStatement(batches)] : []), ...writes.map((write) => write(sql`true`))],
      committed: () => SegmentCheckpointSaver.committed(writes),
    };
  }

  private takeWrites(thread: string): ExecutionWrite[] {
    const writes = this.attachedWrites.get(thread) ?? [];
    this.attachedWrites.delete(thread);
    return writes;
  }

  override async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const internal = writes.some(([channel]) => channel.startsWith("__"));
    const thread = SegmentCheckpointSaver.threadOf(config);
    if (internal) {
      await this.recordOf(thread);
      await this.flushHeld(thread);
      return super.putWrites(config, writes, taskId, taskPath);
    }
    const list = this.held.get(thread) ?? [];
    list.push({ config, writes, taskId, taskPath });
    this.held.set(thread, list);
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    const thread = SegmentCheckpointSaver.threadOf(config);
    const slash = thread.indexOf("/");
    if (slash > 0) this.withSubThreads.add(thread.slice(0, slash));
    this.held.delete(thread);
    const alongside = this.takeAttached(thread);
    await this.recordOf(thread);
    const stored = await this.putAlongside(config, checkpoint, metadata, newVersions, alongside.statements);
    alongside.committed();
    return stored;
  }

  /**
   * Did nodes of this execution write threads of their own in this process (since the last call)? The engine deletes
   * them when the execution ends: they only serve a re-run of their node within the execution.
   */
  takeSubThreads(executionId: string): boolean {
    return this.withSubThreads.delete(executionId);
  }

  /** Stores what is held for a thread (before an internal write, so that the order of writes is kept). */
  private async flushHeld(thread: string): Promise<void> {
    const list = this.held.get(thread);
    if (!list) return;
    this.held.delete(thread);
    for (const entry of list) await super.putWrites(entry.config, entry.writes, entry.taskId, entry.taskPath);
  }

  /**
   * The thread stopped (finished, paused or failed): attached node runs and writes that no checkpoint carried are written
   * now, held writes are dropped.
   */
  async release(thread: string): Promise<void> {
    this.held.delete(thread);
    const batches = this.attached.get(thread) ?? [];
    this.attached.delete(thread);
    const writes = this.takeWrites(thread);
    if (batches.length === 0 && writes.length === 0) return;
    await this.recordOf(thread);
    if (batches.length > 0) await this.db.execute(nodeRunBatchesInsertStatement(batches));
    // One statement each: each write is told it committed as soon as its own statement did.
    for (const write of writes) {
      await this.db.execute(write(sql`true`));
      write.committed?.();
    }
  }
}
