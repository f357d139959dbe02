import { nodeRunHistory } from "@/lib/engine/node-run-history";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { Engine, type EngineOptions, type ExecutionOutcome } from "@/lib/engine/engine";
import type { WorkflowInput } from "@/lib/workflow/schema";
import { nodeRegistry } from "@/nodes";
import { createTestDatabase, type TestDatabase, type TestDatabaseDriver } from "./db";

export interface TestEngine {
  engine: Engine;
  database: TestDatabase;
  run(workflow: WorkflowInput, input?: unknown): Promise<ExecutionOutcome>;
  nodeRuns(executionId: string): ReturnType<typeof nodeRunHistory>;
  close(): Promise<void>;
}

/** An engine on a fresh test database; retries do not really sleep. */
export async function createTestEngine(options: Partial<EngineOptions> & { driver?: TestDatabaseDriver } = {}): Promise<TestEngine> {
  const { driver, ...engineOptions } = options;
  const database = await createTestDatabase({ driver });
  const engine = new Engine({ database, registry: nodeRegistry, sleep: async () => {}, leaseMs: 5_000, ...engineOptions });
  return {
    engine,
    database,
    run: (workflow, input) => engine.startAndRun({ workflow, input, mode: "manual" }),
    nodeRuns: (executionId) => nodeRunHistory(database.db, DEFAULT_WORKSPACE_ID, executionId),
    close: () => database.close(),
  };
}

type Node = WorkflowInput["nodes"][number];

/** Builds a workflow from nodes and `[from, to, outputIndex?, inputIndex?]` edges; a Manual Trigger named Start is added. */
export function workflowOf(nodes: Array<Omit<Node, "id"> & { id?: string }>, edges: Array<[string, string, number?, number?]>, settings: WorkflowInput["settings"] = {}): WorkflowInput {
  const all: Node[] = [
    { id: "start", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
    ...nodes.map((node, index) => ({ id: node.id ?? `node-${index}`, ...node })),
  ];
  const connections: NonNullable<WorkflowInput["connections"]> = {};
  for (const [from, to, output = 0, input = 0] of edges) {
    const byKind = (connections[from] ??= {});
    const ports = (byKind.main ??= []);
    while (ports.length <= output) ports.push([]);
    (ports[output] ??= []).push({ node: to, type: "main", index: input });
  }
  return { name: "test workflow", nodes: all, connections, settings };
}

export function jsonOf(outcome: ExecutionOutcome): unknown[] {
  if (outcome.status !== "succeeded") throw new Error(`expected success, got ${outcome.status}: ${"error" in outcome ? outcome.error.message : ""}`);
  return outcome.output.map((item) => item.json);
}
