import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/lib/db/client";
import { chatTurnInsert, loadChatTurns } from "@/lib/db/queries/chat-memory";
import { createExecution, getExecution, updateExecutionStatusWith } from "@/lib/db/queries/executions";
import { listNodeRuns, nodeRunsInsertCte } from "@/lib/db/queries/node-runs";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { ExecutionStateError } from "@/lib/errors";
import { subThreadDeletions } from "@/lib/engine/checkpointer/statements";
import { createTestDatabase, TEST_DATABASE_DRIVERS, type TestDatabase } from "../helpers/db";

const W = DEFAULT_WORKSPACE_ID;
const WORKER = "worker-1";

describe.each(TEST_DATABASE_DRIVERS)("an execution's end in one statement (%s)", (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ driver });
  });
  afterAll(async () => {
    await database?.close();
  });

  async function runningExecutionWithAgentThread(): Promise<string> {
    const execution = await createExecution(database.db, { workspaceId: W, workflowSnapshot: { nodes: [], connections: {} }, mode: "trigger", claim: { workerId: WORKER, leaseMs: 60_000 } });
    await database.db.execute(sql`insert into checkpoints (thread_id, checkpoint_ns, checkpoint_id, format_version, type, checkpoint, channel_versions, metadata)
      values (${`${execution.id}/Agent/0`}, '', 'c1', 4, 'json', '\\x7b7d'::bytea, '{}'::jsonb, '{}'::jsonb)`);
    return execution.id;
  }

  const agentThreads = async (executionId: string) =>
    (await queryRows<{ count: number }>(database.db, sql`select count(*)::int as count from checkpoints where thread_id like ${`${executionId}/%`}`))[0].count;

  const run = { nodeName: "Agent", nodeType: "hetumind.agent", status: "succeeded" as const, startedAt: new Date(), finishedAt: new Date(), durationMs: 3, itemsIn: 1, itemsOut: 1, output: [{ json: { answer: 42 } }] };

  // The agent's memory turn, handed to the execution's end (ExecuteContext.withNextWrite).
  const turn = (id: string) => ({ workspaceId: W, sessionId: `session-${id}`, turnId: `${id}/Agent/0/0`, messagesJson: JSON.stringify([{ role: "user", content: "hi \u2603" }, { role: "assistant", content: "hello" }]) });

  it("moves the execution, writes its node runs and its agent's memory turn, and deletes its agents' threads", async () => {
    const id = await runningExecutionWithAgentThread();
    expect(await agentThreads(id)).toBe(1);
    await updateExecutionStatusWith(database.db, { workspaceId: W, executionId: id, status: "succeeded", output: [{ answer: 42 }], workerId: WORKER }, (moved) => [
      ...subThreadDeletions(id, moved),
      nodeRunsInsertCte({ workspaceId: W, executionId: id, runs: [run] }, moved),
      sql`memory_turn as (${chatTurnInsert(turn(id), moved)})`,
    ]);
    expect(await getExecution(database.db, W, id)).toMatchObject({ status: "succeeded", output: [{ answer: 42 }], lockedBy: null });
    expect((await listNodeRuns(database.db, W, id)).map((row) => [row.nodeName, row.status])).toEqual([["Agent", "succeeded"]]);
    expect(await agentThreads(id)).toBe(0);
    expect((await loadChatTurns(database.db, W, `session-${id}`)).map((row) => [row.turnId, row.messages])).toEqual([
      [`${id}/Agent/0/0`, [{ role: "user", content: "hi \u2603" }, { role: "assistant", content: "hello" }]],
    ]);
    // The same turn again (a replay) stores nothing.
    await database.db.execute(chatTurnInsert(turn(id), sql`true`));
    expect(await loadChatTurns(database.db, W, `session-${id}`)).toHaveLength(1);
  });

  it("when the execution may not move (another worker holds it), throws and keeps everything as it was", async () => {
    const id = await runningExecutionWithAgentThread();
    const move = updateExecutionStatusWith(database.db, { workspaceId: W, executionId: id, status: "succeeded", workerId: "someone-else" }, (moved) => [
      ...subThreadDeletions(id, moved),
      nodeRunsInsertCte({ workspaceId: W, executionId: id, runs: [run] }, moved),
      sql`memory_turn as (${chatTurnInsert(turn(id), moved)})`,
    ]);
    await expect(move).rejects.toBeInstanceOf(ExecutionStateError);
    expect(await getExecution(database.db, W, id)).toMatchObject({ status: "running", lockedBy: WORKER });
    expect(await listNodeRuns(database.db, W, id)).toEqual([]);
    expect(await agentThreads(id)).toBe(1);
    expect(await loadChatTurns(database.db, W, `session-${id}`)).toEqual([]);
  });
});
