/**
 * LangGraph checkpoint saver on our own drizzle tables (lib/db/schema.ts: checkpoints, checkpoint_blobs,
 * checkpoint_writes), on either driver. Passes @langchain/langgraph-checkpoint-validation (see
 * tests/integration/checkpointer-conformance.int.test.ts).
 *
 * Layout (the same as LangGraph's PostgresSaver): a checkpoint row holds the serialized checkpoint minus its channel
 * values; a channel's value is stored once per version in checkpoint_blobs (only the channels in `newVersions`), and a
 * read joins the blobs named by the checkpoint's `channel_versions`. So a long run stores each value once, not once
 * per checkpoint. Every method is one SQL statement: see ./statements.ts.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
  TASKS,
  WRITES_IDX_MAP,
  compareWritesSortKeys,
  maxChannelVersion,
  writesSortKey,
} from "@langchain/langgraph-checkpoint";
import type { SQL } from "drizzle-orm";
import { type Database, queryRows } from "../../db/client";
import {
  type SelectedRow,
  type WriteInsert,
  deleteThreadStatement,
  insertCheckpointStatement,
  insertWritesStatement,
  pruneThreadStatement,
  selectCheckpointsStatement,
  selectPendingSendsStatement,
} from "./statements";

interface Group {
  checkpoint?: SelectedRow;
  blobs: SelectedRow[];
  writes: SelectedRow[];
  /** The parent's pending sends (format < 4 only). */
  sends: SelectedRow[];
}

export interface PruneResult {
  /** Rows removed from each table. */
  checkpoints: number;
  writes: number;
  blobs: number;
}

const textDecoder = new TextDecoder();

/** postgres.js returns bytea as a Buffer: hand the serde a plain Uint8Array (a "bytes" value must round-trip as one). */
function asBytes(value: Uint8Array | null): Uint8Array {
  if (value === null) return new Uint8Array(0);
  return Object.getPrototypeOf(value) === Uint8Array.prototype
    ? value
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

export class DrizzleCheckpointSaver extends BaseCheckpointSaver {
  constructor(
    protected readonly db: Database,
    serde?: SerializerProtocol,
  ) {
    super(serde);
  }

  /** The database this saver writes to (the execution's: sub-nodes that keep data get it through SupplyContext.database). */
  get database(): Database {
    return this.db;
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const configurable = config.configurable ?? {};
    const threadId = configurable.thread_id as string | undefined;
    if (threadId === undefined || threadId === null) return undefined;
    const checkpointId = (configurable.checkpoint_id as string | undefined) || undefined;
    const rows = await queryRows<SelectedRow>(
      this.db,
      selectCheckpointsStatement({
        threadId: String(threadId),
        checkpointNs: (configurable.checkpoint_ns as string | undefined) ?? "",
        checkpointId,
        limit: 1,
      }),
    );
    const [tuple] = await this.assembleTuples(rows);
    return tuple;
  }

  async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    const configurable = config.configurable ?? {};
    const { limit, before, filter } = options ?? {};
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw new Error(`list(): limit must be a non-negative integer, got ${String(limit)}`);
    }
    const threadId = configurable.thread_id as string | undefined;
    const checkpointNs = configurable.checkpoint_ns as string | undefined;
    const rows = await queryRows<SelectedRow>(
      this.db,
      selectCheckpointsStatement({
        threadId: threadId === undefined || threadId === null || threadId === "" ? undefined : String(threadId),
        checkpointNs: checkpointNs === undefined || checkpointNs === null ? undefined : checkpointNs,
        checkpointId: (configurable.checkpoint_id as string | undefined) || undefined,
        before: (before?.configurable?.checkpoint_id as string | undefined) || undefined,
        metadataFilterJson: filter && Object.keys(filter).length > 0 ? JSON.stringify(filter) : undefined,
        limit,
      }),
    );
    for (const tuple of await this.assembleTuples(rows)) yield tuple;
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    return this.putAlongside(config, checkpoint, metadata, newVersions, []);
  }

  /** `put`, plus other inserts written in the same statement (atomically with the checkpoint). */
  protected async putAlongside(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
    alongside: readonly SQL[],
  ): Promise<RunnableConfig> {
    if (config.configurable === undefined) throw new Error(`put(): the config has no "configurable" field`);
    const threadId = config.configurable.thread_id as string | undefined;
    if (threadId === undefined || threadId === null) throw new Error(`put(): the config has no "thread_id"`);
    const checkpointNs = (config.configurable.checkpoint_ns as string | undefined) ?? "";
    const parentCheckpointId = (config.configurable.checkpoint_id as string | undefined) || null;

    const { channel_values: values, channel_versions: versions, ...skeleton } = checkpoint;
    const [[type, serialized], metadataJson, blobs] = await Promise.all([
      this.serde.dumpsTyped(skeleton),
      this.dumpMetadata(metadata),
      Promise.all(
        Object.entries(newVersions).map(async ([channel, version]) => {
          if (!(channel in values)) return { channel, version: String(version), type: "empty", blob: null };
          const [blobType, blob] = await this.serde.dumpsTyped(values[channel]);
          return { channel, version: String(version), type: blobType, blob };
        }),
      ),
    ]);
    await this.db.execute(
      insertCheckpointStatement({
        threadId: String(threadId),
        checkpointNs,
        checkpointId: checkpoint.id,
        parentCheckpointId,
        formatVersion: checkpoint.v,
        type,
        checkpoint: serialized,
        channelVersionsJson: JSON.stringify(versions ?? {}),
        metadataJson,
        blobs,
      }, alongside),
    );
    return { configurable: { thread_id: threadId, checkpoint_ns: checkpointNs, checkpoint_id: checkpoint.id } };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const configurable = config.configurable ?? {};
    const threadId = configurable.thread_id as string | undefined;
    const checkpointId = configurable.checkpoint_id as string | undefined;
    if (threadId === undefined || threadId === null) throw new Error(`putWrites(): the config has no "thread_id"`);
    if (!checkpointId) throw new Error(`putWrites(): the config has no "checkpoint_id"`);
    if (writes.length === 0) return;

    const serialized = await Promise.all(
      writes.map(async ([channel, value], position): Promise<WriteInsert> => {
        const [type, blob] = await this.serde.dumpsTyped(value);
        return { idx: WRITES_IDX_MAP[channel] ?? position, channel, type, blob };
      }),
    );
    // One INSERT may not touch a key twice: a special channel written twice keeps its last value.
    const byIdx = new Map<number, WriteInsert>();
    for (const write of serialized) byIdx.set(write.idx, write);
    await this.db.execute(
      insertWritesStatement(
        {
          threadId: String(threadId),
          checkpointNs: (configurable.checkpoint_ns as string | undefined) ?? "",
          checkpointId,
          taskId,
          taskPath: taskPath ?? "",
        },
        [...byIdx.values()],
      ),
    );
  }

  async deleteThread(threadId: string): Promise<void> {
    await this.db.execute(deleteThreadStatement(threadId));
  }

  /**
   * Keeps only the latest checkpoint (per namespace) of a thread, with its pending writes and the channel blobs it
   * needs; everything older goes. For finished threads (LangGraph's tables otherwise grow without bound), and safe on
   * a thread paused at an interrupt: the latest checkpoint and its interrupt writes stay, so it resumes. History
   * (`getStateHistory`, time travel) is what is lost; the kept checkpoint's `parentConfig` still names its (now
   * deleted) parent. Do not prune a thread that is running.
   */
  async pruneThread(threadId: string): Promise<PruneResult> {
    const [counts] = await queryRows<PruneResult>(this.db, pruneThreadStatement(threadId));
    return {
      checkpoints: Number(counts?.checkpoints ?? 0),
      writes: Number(counts?.writes ?? 0),
      blobs: Number(counts?.blobs ?? 0),
    };
  }

  /**
   * Versions are `floor(current) + 1 + a random fraction`: increasing as LangGraph requires, and unique, so that
   * after a fork (a run resumed from an older checkpoint) a new value never collides with a stored blob of another
   * branch that has the same integer version. (LangGraph's Python PostgresSaver does the same with strings.)
   */
  getNextVersion(current: number | undefined): number {
    const base = typeof current === "number" && Number.isFinite(current) ? Math.floor(current) : 0;
    return base + 1 + Math.floor(Math.random() * 1e9) / 1e10;
  }

  // -------------------------------------------------------------------------------------------------------------------

  private async dumpMetadata(metadata: CheckpointMetadata): Promise<string> {
    const [type, serialized] = await this.serde.dumpsTyped(metadata);
    const text = type === "json" ? textDecoder.decode(serialized) : JSON.stringify(metadata);
    // jsonb cannot hold U+0000: drop the escape (but not an escaped backslash followed by "u0000").
    return text.includes("\\u0000") ? text.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, "$1") : text;
  }

  private async assembleTuples(rows: SelectedRow[]): Promise<CheckpointTuple[]> {
    const groups = new Map<number, Group>();
    for (const row of rows) {
      const ord = Number(row.ord);
      let group = groups.get(ord);
      if (!group) {
        group = { blobs: [], writes: [], sends: [] };
        groups.set(ord, group);
      }
      if (row.kind === "c") group.checkpoint = row;
      else if (row.kind === "b") group.blobs.push(row);
      else if (row.kind === "w") group.writes.push(row);
    }
    const ordered = [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
    await this.attachPendingSends(ordered);
    return Promise.all(ordered.map((group) => this.assembleTuple(group)));
  }

  /** Before format 4, a checkpoint's pending sends were its parent's TASKS writes: fetch them (one query per thread). */
  private async attachPendingSends(groups: Group[]): Promise<void> {
    const legacy = groups.filter((group) => group.checkpoint?.n !== undefined && Number(group.checkpoint.n) < 4 && group.checkpoint.s1);
    if (legacy.length === 0) return;
    const byNamespace = new Map<string, { threadId: string; checkpointNs: string; parents: Set<string> }>();
    for (const group of legacy) {
      const row = group.checkpoint as SelectedRow;
      const key = JSON.stringify([row.thread_id, row.checkpoint_ns]);
      const entry = byNamespace.get(key) ?? { threadId: row.thread_id, checkpointNs: row.checkpoint_ns, parents: new Set() };
      entry.parents.add(row.s1 as string);
      byNamespace.set(key, entry);
    }
    for (const { threadId, checkpointNs, parents } of byNamespace.values()) {
      const sends = await queryRows<SelectedRow>(this.db, selectPendingSendsStatement(threadId, checkpointNs, [...parents]));
      for (const group of legacy) {
        const row = group.checkpoint as SelectedRow;
        if (row.thread_id !== threadId || row.checkpoint_ns !== checkpointNs) continue;
        group.sends = sends.filter((send) => send.checkpoint_id === row.s1);
      }
    }
  }

  private async assembleTuple(group: Group): Promise<CheckpointTuple> {
    const row = group.checkpoint;
    if (!row?.blob || !row.s2) throw new Error("checkpoint saver: a checkpoint row is missing its data");
    const { thread_id, checkpoint_ns, checkpoint_id } = row;
    const [skeleton, metadata, channelValues, pendingWrites] = await Promise.all([
      this.serde.loadsTyped(row.s2, asBytes(row.blob)) as Promise<Omit<Checkpoint, "channel_values" | "channel_versions">>,
      this.serde.loadsTyped("json", JSON.stringify(row.metadata ?? {})) as Promise<CheckpointMetadata>,
      Promise.all(
        group.blobs.map(async (blob) => [blob.s1 as string, await this.serde.loadsTyped(blob.s2 as string, asBytes(blob.blob))]),
      ).then((entries) => Object.fromEntries(entries) as Record<string, unknown>),
      this.loadWrites(group.writes),
    ]);
    const checkpoint: Checkpoint = { ...skeleton, channel_values: channelValues, channel_versions: { ...row.versions } };
    if (checkpoint.v < 4 && row.s1) await this.migratePendingSends(checkpoint, group.sends);

    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id, checkpoint_ns, checkpoint_id } },
      checkpoint,
      metadata,
      pendingWrites,
    };
    if (row.s1) tuple.parentConfig = { configurable: { thread_id, checkpoint_ns, checkpoint_id: row.s1 } };
    return tuple;
  }

  /** Pending writes in LangGraph's replay order: (task path, task id, idx). */
  private async loadWrites(rows: SelectedRow[]): Promise<CheckpointPendingWrite[]> {
    const sorted = [...rows].sort((a, b) =>
      compareWritesSortKeys(
        writesSortKey(a.s4 ?? "", a.s1 ?? "", Number(a.n)),
        writesSortKey(b.s4 ?? "", b.s1 ?? "", Number(b.n)),
      ),
    );
    return Promise.all(
      sorted.map(
        async (row): Promise<CheckpointPendingWrite> => [
          row.s1 as string,
          row.s2 as string,
          await this.serde.loadsTyped(row.s3 as string, asBytes(row.blob)),
        ],
      ),
    );
  }

  /** Checkpoints before format 4 kept pending sends apart; they become the TASKS channel (as in MemorySaver). */
  private async migratePendingSends(checkpoint: Checkpoint, sendRows: SelectedRow[]): Promise<void> {
    const sends = await this.loadWrites(sendRows);
    checkpoint.channel_values[TASKS] = sends.map(([, , value]) => value);
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
  }
}
