/**
 * The SQL of the checkpoint saver. Every saver method is ONE statement (one round trip): `put` writes the checkpoint
 * and its new channel blobs together through a data-modifying CTE, `putWrites` is one multi-row INSERT, and a read
 * returns the checkpoint rows, their channel blobs and their pending writes in one UNION ALL, told apart by `kind`
 * (checkpoints older than format 4 need one more query for their parent's pending sends).
 */
import { TASKS } from "@langchain/langgraph-checkpoint";
import { type SQL, sql } from "drizzle-orm";

export interface CheckpointInsert {
  threadId: string;
  checkpointNs: string;
  checkpointId: string;
  parentCheckpointId: string | null;
  formatVersion: number;
  type: string;
  checkpoint: Uint8Array;
  channelVersionsJson: string;
  metadataJson: string;
  blobs: Array<{ channel: string; version: string; type: string; blob: Uint8Array | null }>;
}

/** `alongside`: other data-modifying statements written in the same statement (atomically), as CTEs. */
export function insertCheckpointStatement(row: CheckpointInsert, alongside: readonly SQL[] = []): SQL {
  const insertCheckpoint = sql`insert into checkpoints
      (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, format_version, type, checkpoint, channel_versions, metadata)
    values (${row.threadId}, ${row.checkpointNs}, ${row.checkpointId}, ${row.parentCheckpointId}, ${row.formatVersion},
      ${row.type}, ${row.checkpoint}, ${row.channelVersionsJson}::jsonb, ${row.metadataJson}::jsonb)
    on conflict (thread_id, checkpoint_ns, checkpoint_id) do update set
      format_version = excluded.format_version, type = excluded.type, checkpoint = excluded.checkpoint,
      channel_versions = excluded.channel_versions, metadata = excluded.metadata`;
  const extra = alongside.map((statement, index) => sql`${sql.raw(`alongside_${index}`)} as (${statement})`);
  if (row.blobs.length === 0) return extra.length === 0 ? insertCheckpoint : sql`with ${sql.join(extra, sql`, `)} ${insertCheckpoint}`;
  const blobValues = sql.join(
    row.blobs.map(
      (blob) => sql`(${row.threadId}, ${row.checkpointNs}, ${blob.channel}, ${blob.version}, ${blob.type}, ${blob.blob}::bytea)`,
    ),
    sql`, `,
  );
  // A channel version is written once per thread and namespace: versions carry a random fraction (see
  // DrizzleCheckpointSaver.getNextVersion), so an existing (channel, version) already holds this value.
  return sql`with ${sql.join([...extra, sql``], sql`, `)}new_blobs as (
      insert into checkpoint_blobs (thread_id, checkpoint_ns, channel, version, type, blob)
      values ${blobValues}
      on conflict (thread_id, checkpoint_ns, channel, version) do nothing
    )
    ${insertCheckpoint}`;
}

export interface WriteInsert {
  idx: number;
  channel: string;
  type: string;
  blob: Uint8Array;
}

/**
 * Regular writes (idx >= 0) never replace a stored one (a task's writes are final once saved); special writes
 * (errors, interrupts, resumes: negative idx from WRITES_IDX_MAP) replace the previous one, as in MemorySaver.
 */
export function insertWritesStatement(
  key: { threadId: string; checkpointNs: string; checkpointId: string; taskId: string; taskPath: string },
  writes: WriteInsert[],
): SQL {
  const values = sql.join(
    writes.map(
      (write) =>
        sql`(${key.threadId}, ${key.checkpointNs}, ${key.checkpointId}, ${key.taskId}, ${write.idx}::integer, ${write.channel}, ${write.type}, ${write.blob}::bytea, ${key.taskPath})`,
    ),
    sql`, `,
  );
  return sql`insert into checkpoint_writes
      (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob, task_path)
    values ${values}
    on conflict (thread_id, checkpoint_ns, checkpoint_id, task_id, idx) do update set
      channel = excluded.channel, type = excluded.type, blob = excluded.blob, task_path = excluded.task_path
    where excluded.idx < 0`;
}

export interface CheckpointSelection {
  threadId?: string;
  checkpointNs?: string;
  checkpointId?: string;
  before?: string;
  /** JSON text for `metadata @> filter`. */
  metadataFilterJson?: string;
  limit?: number;
}

/**
 * Column meaning per `kind`:
 * - "c" checkpoint: s1 parent id, s2 serde type, n format version, blob checkpoint, versions, metadata
 * - "b" channel blob: s1 channel, s2 serde type, blob value (null for "empty")
 * - "w" pending write: s1 task id, s2 channel, s3 serde type, s4 task path, n idx, blob value
 * - "s" pending send of the parent (selectPendingSendsStatement; `checkpoint_id` is the parent's): as "w"
 * `ord` numbers the selected checkpoints newest first; every row carries the `ord` of its checkpoint.
 */
export interface SelectedRow {
  kind: "c" | "b" | "w" | "s";
  ord: number | string;
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  s1: string | null;
  s2: string | null;
  s3: string | null;
  s4: string | null;
  n: number | null;
  blob: Uint8Array | null;
  versions: Record<string, number | string> | null;
  metadata: Record<string, unknown> | null;
}

export function selectCheckpointsStatement(selection: CheckpointSelection): SQL {
  const conditions: SQL[] = [];
  if (selection.threadId !== undefined) conditions.push(sql`thread_id = ${selection.threadId}`);
  if (selection.checkpointNs !== undefined) conditions.push(sql`checkpoint_ns = ${selection.checkpointNs}`);
  if (selection.checkpointId !== undefined) conditions.push(sql`checkpoint_id = ${selection.checkpointId}`);
  if (selection.before !== undefined) conditions.push(sql`checkpoint_id < ${selection.before}`);
  if (selection.metadataFilterJson !== undefined) conditions.push(sql`metadata @> ${selection.metadataFilterJson}::jsonb`);
  const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const limit = selection.limit !== undefined ? sql`limit ${selection.limit}` : sql``;
  // The window function runs over the selected page only (after ORDER BY ... LIMIT on the primary key), so reading
  // the latest checkpoint costs the same on a thread of 10 or 10,000 checkpoints.
  return sql`with page as (
      select thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, format_version, type, checkpoint,
        channel_versions, metadata
      from checkpoints ${where}
      order by checkpoint_id desc ${limit}
    ),
    cp as (select (row_number() over (order by checkpoint_id desc))::integer as ord, * from page)
    select 'c' as kind, cp.ord, cp.thread_id, cp.checkpoint_ns, cp.checkpoint_id, cp.parent_checkpoint_id as s1,
      cp.type as s2, null::text as s3, null::text as s4, cp.format_version as n, cp.checkpoint as blob,
      cp.channel_versions as versions, cp.metadata as metadata
    from cp
    union all
    select 'b', cp.ord, cp.thread_id, cp.checkpoint_ns, cp.checkpoint_id, bl.channel, bl.type, null, null, null, bl.blob,
      null, null
    from cp
    cross join lateral jsonb_each_text(cp.channel_versions) as v(channel, version)
    -- "limit 1" keeps this a primary-key lookup per channel: joined plainly, the planner (PGlite has no autovacuum to
    -- keep statistics) may hash every blob of the thread, which grows with the thread.
    cross join lateral (
      select b.channel, b.type, b.blob from checkpoint_blobs b
      where b.thread_id = cp.thread_id and b.checkpoint_ns = cp.checkpoint_ns and b.channel = v.channel
        and b.version = v.version
      limit 1
    ) as bl
    where bl.type <> 'empty'
    union all
    select 'w', cp.ord, cp.thread_id, cp.checkpoint_ns, cp.checkpoint_id, w.task_id, w.channel, w.type, w.task_path, w.idx,
      w.blob, null, null
    from cp
    join checkpoint_writes w on w.thread_id = cp.thread_id and w.checkpoint_ns = cp.checkpoint_ns
      and w.checkpoint_id = cp.checkpoint_id
`;
}

/**
 * Pending sends of the parents of checkpoints written before format 4 (they kept sends apart from writes): only read
 * when such a checkpoint comes up, which a thread written by this saver under LangGraph 1.x never has.
 */
export function selectPendingSendsStatement(threadId: string, checkpointNs: string, parentCheckpointIds: string[]): SQL {
  return sql`select 's' as kind, 0 as ord, thread_id, checkpoint_ns, checkpoint_id, task_id as s1, channel as s2,
      type as s3, task_path as s4, idx as n, blob, null::jsonb as versions, null::jsonb as metadata
    from checkpoint_writes
    where thread_id = ${threadId} and checkpoint_ns = ${checkpointNs} and channel = ${TASKS}
      and checkpoint_id in (${sql.join(
        parentCheckpointIds.map((id) => sql`${id}`),
        sql`, `,
      )})`;
}

export function deleteThreadStatement(threadId: string): SQL {
  return sql`with deleted_writes as (delete from checkpoint_writes where thread_id = ${threadId}),
      deleted_blobs as (delete from checkpoint_blobs where thread_id = ${threadId})
    delete from checkpoints where thread_id = ${threadId}`;
}

/**
 * Deletes every sub-thread of an execution (`<executionId>/...`: its agents' threads, agents/run-agent.ts), matched as
 * the key range `[id + "/", id + "0")` so that the primary keys' index serves it, in one statement.
 */
export function deleteSubThreadsStatement(executionId: string): SQL {
  const [writes, blobs] = subThreadDeletions(executionId);
  return sql`with ${writes}, ${blobs} ${subThreadCheckpointsDelete(executionId)}`;
}

/** The deletions of deleteSubThreadsStatement as CTEs of another statement, where `condition` holds (default: always). */
export function subThreadDeletions(executionId: string, condition: SQL = sql`true`): SQL[] {
  const { from, to } = subThreadRange(executionId);
  return [
    sql`deleted_sub_writes as (delete from checkpoint_writes where thread_id >= ${from} and thread_id < ${to} and ${condition})`,
    sql`deleted_sub_blobs as (delete from checkpoint_blobs where thread_id >= ${from} and thread_id < ${to} and ${condition})`,
    sql`deleted_sub_checkpoints as (${subThreadCheckpointsDelete(executionId, condition)})`,
  ];
}

function subThreadCheckpointsDelete(executionId: string, condition: SQL = sql`true`): SQL {
  const { from, to } = subThreadRange(executionId);
  return sql`delete from checkpoints where thread_id >= ${from} and thread_id < ${to} and ${condition}`;
}

/** `<id>/...`: the threads of an execution's agents, as a primary-key range. */
function subThreadRange(executionId: string): { from: string; to: string } {
  return { from: `${executionId}/`, to: `${executionId}0` };
}

/**
 * Keeps, in each namespace of the thread, only the latest checkpoint with its pending writes and the blobs its
 * channel versions point to. Returns how many rows of each table went.
 */
export function pruneThreadStatement(threadId: string): SQL {
  return sql`with keep as (
      select distinct on (checkpoint_ns) checkpoint_ns, checkpoint_id, channel_versions
      from checkpoints where thread_id = ${threadId}
      order by checkpoint_ns, checkpoint_id desc
    ),
    deleted_checkpoints as (
      delete from checkpoints c where c.thread_id = ${threadId}
        and not exists (select 1 from keep k where k.checkpoint_ns = c.checkpoint_ns and k.checkpoint_id = c.checkpoint_id)
      returning 1
    ),
    deleted_writes as (
      delete from checkpoint_writes w where w.thread_id = ${threadId}
        and not exists (select 1 from keep k where k.checkpoint_ns = w.checkpoint_ns and k.checkpoint_id = w.checkpoint_id)
      returning 1
    ),
    deleted_blobs as (
      delete from checkpoint_blobs b where b.thread_id = ${threadId}
        and not exists (
          select 1 from keep k cross join lateral jsonb_each_text(k.channel_versions) as v(channel, version)
          where k.checkpoint_ns = b.checkpoint_ns and v.channel = b.channel and v.version = b.version
        )
      returning 1
    )
    select (select count(*) from deleted_checkpoints)::integer as checkpoints,
      (select count(*) from deleted_writes)::integer as writes,
      (select count(*) from deleted_blobs)::integer as blobs`;
}
