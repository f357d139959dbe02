import { createWorkflow } from "@/lib/db/queries/workflows";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import type { TriggerRuntime } from "@/lib/triggers/runtime";
import type { WorkflowInput } from "@/lib/workflow/schema";
import type { TestEngine } from "./engine";

type Node = WorkflowInput["nodes"][number];

/** A workflow whose first node is `trigger`, chained to `rest` in order. */
export function chain(trigger: Omit<Node, "id">, rest: Array<Omit<Node, "id">> = [], settings: WorkflowInput["settings"] = {}): WorkflowInput {
  const nodes = [trigger, ...rest].map((node, index) => ({ id: `n${index}`, ...node }));
  const connections: NonNullable<WorkflowInput["connections"]> = {};
  for (let index = 0; index + 1 < nodes.length; index += 1) connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: "main", index: 0 }]] };
  return { name: trigger.name, nodes, connections, settings };
}

/** Saves a workflow in the default workspace; returns its id. */
export async function saveWorkflow(testEngine: TestEngine, workflow: WorkflowInput, name = workflow.name ?? "workflow"): Promise<string> {
  const row = await createWorkflow(testEngine.database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name, definition: workflow as Record<string, unknown> });
  return row.id;
}

export function runtimeOf(testEngine: TestEngine): TriggerRuntime {
  return { engine: testEngine.engine, database: testEngine.database };
}
