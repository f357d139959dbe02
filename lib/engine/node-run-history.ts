import type { Database } from "@/lib/db/client";
import { listNodeRuns } from "@/lib/db/queries/node-runs";
import type { NodeRun } from "@/lib/db/schema";
import type { Item } from "@/lib/workflow/items";
import type { InputSource } from "./run-state";
import { expandStoredOutput, type StoredOutputList } from "./stored-output";

export interface NodeRunWithItems extends Omit<NodeRun, "output"> {
  /** Output items per output index, with pass-through lists expanded back into items. */
  output: Array<Item[] | null> | null;
}

/** An execution's node runs in the order they ran, with their outputs as items (see stored-output.ts). */
export async function nodeRunHistory(db: Database, workspaceId: string, executionId: string): Promise<NodeRunWithItems[]> {
  const runs = await listNodeRuns(db, workspaceId, executionId);
  const outputs = new Map<string, Array<Item[] | null> | null>();
  return runs.map((run) => {
    const source = (run.input as Array<InputSource | null> | null)?.[0] ?? null;
    const input = source ? (outputs.get(`${source.node}\u0000${source.run}`)?.[source.output] ?? undefined) : undefined;
    const stored = run.output as StoredOutputList[] | null;
    const output = stored === null ? null : stored.map((list) => expandStoredOutput(list, input ?? undefined));
    outputs.set(`${run.nodeName}\u0000${run.runIndex}`, output);
    return { ...run, output };
  });
}
