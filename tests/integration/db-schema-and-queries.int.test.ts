/**
 * The schema, the migrations and every query file, run the same way on both drivers: PGlite in-process, and
 * postgres.js over pglite-socket (that database starts blank, so the migrations run through postgres.js).
 * Set HETUMIND_TEST_DATABASE_URL to run the suite against a real Postgres server as well (its tables are emptied).
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase, queryRows } from "../../lib/db/client";
import { ApprovalDecidedError, LeaseLostError } from "../../lib/db/errors";
import {
  createApproval,
  decideApproval,
  getApproval,
  getPendingApprovals,
  listPendingApprovals,
} from "../../lib/db/queries/approvals";
import {
  claimExecution,
  claimExecutions,
  createExecution,
  deleteExecution,
  extendLease,
  extendWorkerLeases,
  findDueTimedWaits,
  getExecution,
  listExecutions,
  releaseExecution,
  releaseOrphanedLeases,
  requestCancel,
  updateExecutionStatus,
} from "../../lib/db/queries/executions";
import { clearNodeRunOutputs, insertNodeRuns, listNodeRuns } from "../../lib/db/queries/node-runs";
import {
  createWorkflow,
  deleteWorkflow,
  getWorkflow,
  listWorkflows,
  setWorkflowActive,
  upsertWorkflow,
} from "../../lib/db/queries/workflows";
import { createWorkspace, getWorkspace } from "../../lib/db/queries/workspaces";
import { DEFAULT_WORKSPACE_ID, executions } from "../../lib/db/schema";
import { ExecutionStateError, HetumindError, NotFoundError } from "../../lib/errors";
import { createTestDatabase } from "../helpers/db";

const targets: Array<{ name: string; open: () => Promise<DatabaseHandle> }> = [
  { name: "pglite", open: () => createTestDatabase({ driver: "pglite" }) },
  { name: "pglite on a worker thread", open: () => createTestDatabase({ driver: "pglite-thread" }) },
  { name: "postgres.js over pglite-socket", open: () => createTestDatabase({ driver: "postgres", migrateFromBlank: true }) },
];
const externalUrl = process.env.HETUMIND_TEST_DATABASE_URL;
if (externalUrl) {
  targets.push({
    name: "postgres.js against HETUMIND_TEST_DATABASE_URL",
    open: async () => {
      const handle = await openDatabase({ databaseUrl: externalUrl });
      await handle.db.execute(sql`truncate executions, workflows, checkpoints, checkpoint_blobs, checkpoint_writes cascade`);
      await handle.db.execute(sql`delete from workspaces where id <> 'default'`);
      return handle;
    },
  });
}

const snapshot = { name: "Test", nodes: [], connections: {} };

describe.each(targets)("database on $name", ({ open }) => {
  let handle: DatabaseHandle;
  const db = () => handle.db;

  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function newWorkspace(): Promise<string> {
    return (await createWorkspace(db(), { name: "Test workspace" })).id;
  }

  describe("migrations", () => {
    it("created every table, the default workspace, and the vector extension where the server has it", async () => {
      const tables = await queryRows<{ table_name: string }>(
        db(),
        sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
      );
      expect(tables.map((row) => row.table_name)).toEqual(
        expect.arrayContaining([
          "approvals",
          "checkpoint_blobs",
          "checkpoint_writes",
          "checkpoints",
          "executions",
          "node_runs",
          "workflows",
          "workspaces",
        ]),
      );
      expect(await getWorkspace(db(), DEFAULT_WORKSPACE_ID)).toMatchObject({ id: "default" });
      const available = await queryRows<{ available: boolean }>(
        db(),
        sql`select exists (select 1 from pg_available_extensions where name = 'vector') as available`,
      );
      expect(handle.hasVector).toBe(available[0].available);
    });

    it("applies each migration once: opening again changes nothing", async () => {
      const count = async () =>
        Number((await queryRows<{ count: number | string }>(db(), sql`select count(*) as count from drizzle.__drizzle_migrations`))[0].count);
      const before = await count();
      expect(before).toBeGreaterThanOrEqual(3);
      if (handle.pglite && handle.driver === "pglite") {
        const again = await openDatabase({ pglite: handle.pglite });
        await again.close();
        expect(handle.pglite.closed).toBe(false);
      }
      expect(await count()).toBe(before);
    });

    it("rejects a status outside the allowed values", async () => {
      const workspaceId = await newWorkspace();
      await expect(
        db().insert(executions).values({
          id: randomUUID(),
          workspaceId,
          workflowSnapshot: snapshot,
          mode: "manual",
          status: "exploded" as never,
        }),
      ).rejects.toThrow();
    });
  });

  describe("workflows", () => {
    it("creates, reads, lists, upserts with a new version id, activates and deletes, scoped to the workspace", async () => {
      const workspaceId = await newWorkspace();
      const otherWorkspaceId = await newWorkspace();
      const created = await createWorkflow(db(), { workspaceId, name: "One", definition: { nodes: [1] } });
      expect(created).toMatchObject({ workspaceId, name: "One", definition: { nodes: [1] }, active: false });
      expect(created.createdAt).toBeInstanceOf(Date);

      expect(await getWorkflow(db(), workspaceId, created.id)).toEqual(created);
      expect(await getWorkflow(db(), otherWorkspaceId, created.id)).toBeUndefined();

      const updated = await upsertWorkflow(db(), { workspaceId, id: created.id, name: "One v2", definition: { nodes: [2] } });
      expect(updated).toMatchObject({ id: created.id, name: "One v2", definition: { nodes: [2] } });
      expect(updated.versionId).not.toBe(created.versionId);
      await expect(
        upsertWorkflow(db(), { workspaceId: otherWorkspaceId, id: created.id, name: "Hijack", definition: {} }),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect((await getWorkflow(db(), workspaceId, created.id))?.name).toBe("One v2");

      const inserted = await upsertWorkflow(db(), { workspaceId, id: randomUUID(), name: "Two", definition: {}, active: true });
      expect(inserted.active).toBe(true);
      expect((await listWorkflows(db(), workspaceId)).map((row) => row.name).sort()).toEqual(["One v2", "Two"]);
      expect((await listWorkflows(db(), workspaceId, { active: true })).map((row) => row.name)).toEqual(["Two"]);
      expect(await listWorkflows(db(), otherWorkspaceId)).toEqual([]);

      expect((await setWorkflowActive(db(), workspaceId, created.id, true)).active).toBe(true);
      await expect(setWorkflowActive(db(), otherWorkspaceId, created.id, false)).rejects.toBeInstanceOf(NotFoundError);

      const execution = await createExecution(db(), { workspaceId, workflowId: created.id, workflowSnapshot: snapshot, mode: "manual" });
      expect(await deleteWorkflow(db(), otherWorkspaceId, created.id)).toBe(false);
      expect(await deleteWorkflow(db(), workspaceId, created.id)).toBe(true);
      const kept = await getExecution(db(), workspaceId, execution.id);
      expect(kept?.workflowId).toBeNull();
      expect(kept?.workflowSnapshot).toEqual(snapshot);
    });
  });

  describe("executions", () => {
    beforeEach(async () => {
      // Claims are global: finish whatever earlier tests left runnable.
      await db()
        .update(executions)
        .set({ status: "cancelled", lockedBy: null, lockedUntil: null })
        .where(sql`${executions.status} in ('queued', 'running', 'waiting')`);
    });

    it("creates a queued execution, reads it back only in its workspace, and lists by status", async () => {
      const workspaceId = await newWorkspace();
      const execution = await createExecution(db(), {
        workspaceId,
        workflowSnapshot: snapshot,
        mode: "manual",
        input: { items: [{ json: { a: 1 } }] },
      });
      expect(execution).toMatchObject({
        workspaceId,
        workflowId: null,
        status: "queued",
        cancelRequested: false,
        claimCount: 0,
        input: { items: [{ json: { a: 1 } }] },
      });
      expect(execution.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await getExecution(db(), workspaceId, execution.id)).toEqual(execution);
      expect(await getExecution(db(), await newWorkspace(), execution.id)).toBeUndefined();

      const second = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "webhook" });
      await updateExecutionStatus(db(), { workspaceId, executionId: second.id, status: "failed", error: { message: "no" } });
      const queued = await listExecutions(db(), workspaceId, { status: "queued" });
      expect(queued.map((row) => row.id)).toEqual([execution.id]);
      expect(queued[0]).not.toHaveProperty("workflowSnapshot");
      const all = await listExecutions(db(), workspaceId, { status: ["queued", "failed"] });
      expect(all.map((row) => row.id).sort()).toEqual([execution.id, second.id].sort());
    });

    it("claims each queued execution once, oldest first, with a lease", async () => {
      const workspaceId = await newWorkspace();
      const first = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual" });
      const second = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual" });
      const [claimedA, claimedB] = await Promise.all([
        claimExecutions(db(), { workerId: "worker-a", leaseMs: 60_000, limit: 1 }),
        claimExecutions(db(), { workerId: "worker-b", leaseMs: 60_000, limit: 1 }),
      ]);
      const claimed = [...claimedA, ...claimedB];
      expect(claimed.map((row) => row.id).sort()).toEqual([first.id, second.id].sort());
      for (const row of claimed) {
        expect(row).toMatchObject({ status: "running", previousStatus: "queued", claimCount: 1 });
        expect(row.lockedUntil).toBeInstanceOf(Date);
        expect(row.startedAt).toBeInstanceOf(Date);
      }
      expect(claimedA[0].lockedBy).toBe("worker-a");
      expect(await claimExecutions(db(), { workerId: "worker-c", leaseMs: 60_000, limit: 10 })).toEqual([]);
    });

    it("re-claims a running execution whose lease expired; the old worker has lost it", async () => {
      const workspaceId = await newWorkspace();
      const execution = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual" });
      await claimExecutions(db(), { workerId: "worker-a", leaseMs: 60_000, limit: 1 });
      expect((await extendLease(db(), { workspaceId, executionId: execution.id, workerId: "worker-a", leaseMs: 60_000 })).cancelRequested).toBe(false);
      expect(await claimExecutions(db(), { workerId: "worker-b", leaseMs: 60_000, limit: 1 })).toEqual([]);

      // worker-a dies: its lease runs out.
      await db().update(executions).set({ lockedUntil: sql`now() - interval '1 second'` }).where(sql`${executions.id} = ${execution.id}`);
      const [reclaimed] = await claimExecutions(db(), { workerId: "worker-b", leaseMs: 60_000, limit: 1 });
      expect(reclaimed).toMatchObject({ id: execution.id, previousStatus: "running", lockedBy: "worker-b", claimCount: 2 });

      await expect(
        extendLease(db(), { workspaceId, executionId: execution.id, workerId: "worker-a", leaseMs: 60_000 }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      const lost = await updateExecutionStatus(db(), {
        workspaceId,
        executionId: execution.id,
        workerId: "worker-a",
        status: "succeeded",
      }).catch((error: unknown) => error);
      expect(lost).toBeInstanceOf(LeaseLostError);
      expect(lost).toBeInstanceOf(ExecutionStateError);
      expect(HetumindError.isInstance(lost) && lost.fields).toMatchObject({ holder: "worker-b", executionId: execution.id });

      expect(await extendWorkerLeases(db(), { workerId: "worker-b", leaseMs: 60_000 })).toEqual([
        { id: execution.id, workspaceId, cancelRequested: false },
      ]);
      expect(await extendWorkerLeases(db(), { workerId: "worker-a", leaseMs: 60_000 })).toEqual([]);

      const done = await updateExecutionStatus(db(), {
        workspaceId,
        executionId: execution.id,
        workerId: "worker-b",
        status: "succeeded",
        output: { ok: true },
      });
      expect(done).toMatchObject({ status: "succeeded", lockedBy: null, lockedUntil: null, output: { ok: true } });
      expect(done.finishedAt).toBeInstanceOf(Date);
      await expect(
        updateExecutionStatus(db(), { workspaceId, executionId: execution.id, status: "running" }),
      ).rejects.toBeInstanceOf(ExecutionStateError);
      await expect(
        updateExecutionStatus(db(), { workspaceId, executionId: randomUUID(), status: "running" }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("a released execution is claimable again at once, as a resume", async () => {
      const workspaceId = await newWorkspace();
      const execution = await createExecution(db(), {
        workspaceId,
        workflowSnapshot: snapshot,
        mode: "cli",
        claim: { workerId: "cli-1", leaseMs: 60_000 },
      });
      expect(execution).toMatchObject({ status: "running", lockedBy: "cli-1", claimCount: 1 });
      expect(await releaseExecution(db(), { workspaceId, executionId: execution.id, workerId: "someone-else" })).toBe(false);
      expect(await releaseExecution(db(), { workspaceId, executionId: execution.id, workerId: "cli-1" })).toBe(true);
      const [claimed] = await claimExecutions(db(), { workerId: "worker-b", leaseMs: 60_000, limit: 5 });
      expect(claimed).toMatchObject({ id: execution.id, previousStatus: "running", claimCount: 2 });
    });

    it("claims one execution by id when it is claimable, and says why not otherwise", async () => {
      const workspaceId = await newWorkspace();
      const queued = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual" });
      await expect(
        claimExecution(db(), { workspaceId: await newWorkspace(), executionId: queued.id, workerId: "a", leaseMs: 60_000 }),
      ).rejects.toBeInstanceOf(NotFoundError);
      const claimed = await claimExecution(db(), { workspaceId, executionId: queued.id, workerId: "a", leaseMs: 60_000 });
      expect(claimed).toMatchObject({ id: queued.id, status: "running", lockedBy: "a", previousStatus: "queued", claimCount: 1 });
      // Held by this worker: the lease is renewed. Held by another: LeaseLostError.
      expect(await claimExecution(db(), { workspaceId, executionId: queued.id, workerId: "a", leaseMs: 60_000 })).toMatchObject({
        previousStatus: "running",
        claimCount: 2,
      });
      await expect(
        claimExecution(db(), { workspaceId, executionId: queued.id, workerId: "b", leaseMs: 60_000 }),
      ).rejects.toBeInstanceOf(LeaseLostError);

      await updateExecutionStatus(db(), { workspaceId, executionId: queued.id, workerId: "a", status: "waiting" });
      await expect(
        claimExecution(db(), { workspaceId, executionId: queued.id, workerId: "b", leaseMs: 60_000 }),
      ).rejects.toBeInstanceOf(ExecutionStateError);
      await updateExecutionStatus(db(), { workspaceId, executionId: queued.id, status: "queued", from: ["waiting"] });
      expect(await claimExecution(db(), { workspaceId, executionId: queued.id, workerId: "b", leaseMs: 60_000 })).toMatchObject({
        lockedBy: "b",
        previousStatus: "queued",
      });
      await updateExecutionStatus(db(), { workspaceId, executionId: queued.id, workerId: "b", status: "failed" });
      await expect(
        claimExecution(db(), { workspaceId, executionId: queued.id, workerId: "b", leaseMs: 60_000 }),
      ).rejects.toBeInstanceOf(ExecutionStateError);
    });

    it("releases orphaned leases (all but this worker's) so that they are claimed again at once", async () => {
      const workspaceId = await newWorkspace();
      const mine = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual", claim: { workerId: "me", leaseMs: 60_000 } });
      const orphan = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual", claim: { workerId: "dead", leaseMs: 60_000 } });
      expect(await releaseOrphanedLeases(db(), { exceptWorkerId: "me" })).toBe(1);
      expect(await getExecution(db(), workspaceId, mine.id)).toMatchObject({ lockedBy: "me" });
      const claimed = await claimExecutions(db(), { workerId: "me", leaseMs: 60_000, limit: 10 });
      expect(claimed.map((row) => [row.id, row.previousStatus])).toEqual([[orphan.id, "running"]]);
    });

    it("finds due timed waits and claims them only when asked", async () => {
      const workspaceId = await newWorkspace();
      const due = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual", claim: { workerId: "w", leaseMs: 60_000 } });
      const later = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual", claim: { workerId: "w", leaseMs: 60_000 } });
      const approval = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual", claim: { workerId: "w", leaseMs: 60_000 } });
      const waiting = await updateExecutionStatus(db(), {
        workspaceId,
        executionId: due.id,
        workerId: "w",
        status: "waiting",
        waitUntil: new Date(Date.now() - 60_000),
      });
      expect(waiting).toMatchObject({ status: "waiting", lockedBy: null, lockedUntil: null });
      await updateExecutionStatus(db(), { workspaceId, executionId: later.id, workerId: "w", status: "waiting", waitUntil: new Date(Date.now() + 3_600_000) });
      await updateExecutionStatus(db(), { workspaceId, executionId: approval.id, workerId: "w", status: "waiting" });

      const found = await findDueTimedWaits(db());
      expect(found.map((row) => row.id)).toEqual([due.id]);
      expect(found[0]).toMatchObject({ workspaceId });
      expect(found[0].waitUntil).toBeInstanceOf(Date);

      expect(await claimExecutions(db(), { workerId: "w2", leaseMs: 60_000, limit: 10 })).toEqual([]);
      const claimed = await claimExecutions(db(), { workerId: "w2", leaseMs: 60_000, limit: 10, includeDueWaits: true });
      expect(claimed.map((row) => [row.id, row.previousStatus, row.waitUntil])).toEqual([[due.id, "waiting", null]]);
    });

    it("cancels queued and waiting executions at once (with their pending approvals) and flags running ones", async () => {
      const workspaceId = await newWorkspace();
      const queued = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual" });
      const cancelledQueued = await requestCancel(db(), workspaceId, queued.id);
      expect(cancelledQueued).toMatchObject({ status: "cancelled", cancelRequested: true });
      expect(cancelledQueued.finishedAt).toBeInstanceOf(Date);
      await expect(requestCancel(db(), workspaceId, queued.id)).rejects.toBeInstanceOf(ExecutionStateError);
      await expect(requestCancel(db(), await newWorkspace(), queued.id)).rejects.toBeInstanceOf(NotFoundError);

      const running = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual", claim: { workerId: "w", leaseMs: 60_000 } });
      expect(await requestCancel(db(), workspaceId, running.id)).toMatchObject({ status: "running", cancelRequested: true });
      expect(await extendLease(db(), { workspaceId, executionId: running.id, workerId: "w", leaseMs: 60_000 })).toMatchObject({
        cancelRequested: true,
      });

      const waiting = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual", claim: { workerId: "w", leaseMs: 60_000 } });
      await updateExecutionStatus(db(), { workspaceId, executionId: waiting.id, workerId: "w", status: "waiting" });
      const pending = await createApproval(db(), { workspaceId, executionId: waiting.id, nodeName: "Approve", message: "OK?" });
      expect(await requestCancel(db(), workspaceId, waiting.id)).toMatchObject({ status: "cancelled" });
      expect(await getApproval(db(), workspaceId, pending.id)).toMatchObject({ status: "cancelled" });
      await expect(
        decideApproval(db(), { workspaceId, approvalId: pending.id, status: "approved" }),
      ).rejects.toBeInstanceOf(ApprovalDecidedError);
    });

    it("deletes an execution with its node runs, approvals and checkpoints", async () => {
      const workspaceId = await newWorkspace();
      const execution = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual" });
      await insertNodeRuns(db(), {
        workspaceId,
        executionId: execution.id,
        runs: [{ nodeName: "A", nodeType: "hetumind.noOp", status: "succeeded", startedAt: new Date(), finishedAt: new Date(), durationMs: 0.1 }],
      });
      await createApproval(db(), { workspaceId, executionId: execution.id, nodeName: "B", message: "?" });
      await db().execute(sql`insert into checkpoints (thread_id, checkpoint_id, format_version, type, checkpoint, channel_versions, metadata)
        values (${execution.id}, 'c1', 4, 'json', ${new Uint8Array([123, 125])}::bytea, '{}'::jsonb, '{}'::jsonb)`);

      expect(await deleteExecution(db(), await newWorkspace(), execution.id)).toBe(false);
      expect(await deleteExecution(db(), workspaceId, execution.id)).toBe(true);
      expect(await getExecution(db(), workspaceId, execution.id)).toBeUndefined();
      expect(await listNodeRuns(db(), workspaceId, execution.id)).toEqual([]);
      expect(await getPendingApprovals(db(), workspaceId, execution.id)).toEqual([]);
      const left = await queryRows<{ count: number | string }>(
        db(),
        sql`select count(*) as count from checkpoints where thread_id = ${execution.id}`,
      );
      expect(Number(left[0].count)).toBe(0);
    });
  });

  describe("node runs", () => {
    it("inserts a segment's runs in one statement and lists them in order, scoped to the workspace", async () => {
      const workspaceId = await newWorkspace();
      const execution = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual" });
      const startedAt = new Date("2026-01-02T03:04:05.678Z");
      const finishedAt = new Date("2026-01-02T03:04:05.700Z");
      await insertNodeRuns(db(), { workspaceId, executionId: execution.id, runs: [] });
      await insertNodeRuns(db(), {
        workspaceId,
        executionId: execution.id,
        runs: [
          { nodeName: "Trigger", nodeType: "hetumind.manualTrigger", status: "succeeded", startedAt, finishedAt, durationMs: 0.25, itemsOut: 1, output: [[{ json: {} }]] },
          { nodeName: "Set", nodeType: "hetumind.set", status: "succeeded", startedAt, finishedAt, durationMs: 0.5, itemsIn: 1, itemsOut: 1, input: [{ json: {} }], output: [[{ json: { a: 1 } }]] },
          { nodeName: "HTTP", nodeType: "hetumind.httpRequest", runIndex: 0, attempt: 2, status: "failed", startedAt, finishedAt, durationMs: 22, itemsIn: 1, error: { message: "ECONNREFUSED" } },
        ],
      });
      const runs = await listNodeRuns(db(), workspaceId, execution.id);
      expect(runs.map((run) => run.nodeName)).toEqual(["Trigger", "Set", "HTTP"]);
      expect(runs[1]).toMatchObject({
        executionId: execution.id,
        workspaceId,
        nodeType: "hetumind.set",
        runIndex: 0,
        attempt: 1,
        status: "succeeded",
        durationMs: 0.5,
        itemsIn: 1,
        itemsOut: 1,
        input: [{ json: {} }],
        output: [[{ json: { a: 1 } }]],
        error: null,
      });
      expect(runs[1].startedAt.toISOString()).toBe(startedAt.toISOString());
      expect(runs[2]).toMatchObject({ attempt: 2, status: "failed", error: { message: "ECONNREFUSED" } });
      expect(runs.map((run) => [typeof run.batchId, run.position])).toEqual([["number", 1], ["number", 2], ["number", 3]]);

      expect(await clearNodeRunOutputs(db(), workspaceId, execution.id)).toBe(3);
      const cleared = await listNodeRuns(db(), workspaceId, execution.id);
      expect(cleared.map((run) => [run.input, run.output, run.durationMs])).toEqual([
        [null, null, 0.25],
        [null, null, 0.5],
        [null, null, 22],
      ]);
      expect(cleared[2].error).toEqual({ message: "ECONNREFUSED" });
      expect(await listNodeRuns(db(), await newWorkspace(), execution.id)).toEqual([]);
    });
  });

  describe("approvals", () => {
    it("creates, lists pending, decides once", async () => {
      const workspaceId = await newWorkspace();
      const execution = await createExecution(db(), { workspaceId, workflowSnapshot: snapshot, mode: "manual" });
      const approval = await createApproval(db(), {
        workspaceId,
        executionId: execution.id,
        nodeName: "Review",
        message: "Send this email?",
        data: { to: "a@example.com" },
      });
      expect(approval).toMatchObject({ status: "pending", decision: null, decidedAt: null, data: { to: "a@example.com" } });
      expect(await getPendingApprovals(db(), workspaceId, execution.id)).toEqual([approval]);
      expect(await listPendingApprovals(db(), workspaceId)).toEqual([approval]);
      expect(await listPendingApprovals(db(), await newWorkspace())).toEqual([]);
      await expect(
        decideApproval(db(), { workspaceId: await newWorkspace(), approvalId: approval.id, status: "approved" }),
      ).rejects.toBeInstanceOf(NotFoundError);

      const decided = await decideApproval(db(), {
        workspaceId,
        approvalId: approval.id,
        status: "approved",
        decision: { approved: true, edited: { to: "b@example.com" } },
        decidedBy: "user-1",
      });
      expect(decided).toMatchObject({ status: "approved", decidedBy: "user-1", decision: { approved: true, edited: { to: "b@example.com" } } });
      expect(decided.decidedAt).toBeInstanceOf(Date);
      expect(await getPendingApprovals(db(), workspaceId, execution.id)).toEqual([]);
      const again = await decideApproval(db(), { workspaceId, approvalId: approval.id, status: "rejected" }).catch((error: unknown) => error);
      expect(again).toBeInstanceOf(ApprovalDecidedError);
      expect((again as ApprovalDecidedError).code).toBe("approval_decided");
    });
  });
});
