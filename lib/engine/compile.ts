/**
 * The engine's LangGraph side, imported by engine.ts only when a run goes past its first segment (which runs outside
 * LangGraph): a process that serves only runs ending within it never loads LangGraph (~50 ms of a cold start).
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { CompiledWorkflow } from "./compiled-workflow";
import { runSegment, type SegmentEnvironment } from "./interpreter";
import type { NodeRunRecord, RunState } from "./run-state";

/** The graph's one channel: the interpreter state (see run-state.ts). */
export const ExecutionGraphState = Annotation.Root({
  run: Annotation<RunState>(),
});

export interface GraphHooks {
  /** Called with a segment's node runs before the segment's checkpoint is written (one batch per segment). */
  recordRuns(runs: NodeRunRecord[], state: RunState): Promise<void>;
}

/**
 * The recursion limit is derived from the workflow: every segment is one LangGraph step; a segment ends after each side-effect
 * node run, before each pause and at the time budget, so the steps are bounded by those node runs (times loop turns) plus slack.
 */
export function recursionLimitFor(compiled: CompiledWorkflow, maxLoopTurns: number): number {
  const boundaries = compiled.sideEffectNodes + compiled.pauseNodes + 1;
  const perTurn = compiled.hasLoop ? maxLoopTurns : 1;
  return Math.min(1_000_000, boundaries * perTurn * 2 + 25);
}

/**
 * Compiles a workflow into a LangGraph StateGraph: one `segment` node that runs the interpreter until a durability boundary,
 * looping on itself until the run is done. One checkpoint per segment; the interpreter runs side-effect-free nodes in between
 * at function-call speed.
 */
export function compileGraph(environment: SegmentEnvironment, hooks: GraphHooks, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(ExecutionGraphState)
    .addNode("segment", async (state) => {
      const { state: next, runs } = await runSegment(state.run, environment);
      if (runs.length > 0) await hooks.recordRuns(runs, next);
      return { run: next };
    })
    .addEdge(START, "segment")
    .addConditionalEdges("segment", (state) => (state.run.done ? END : "segment"), ["segment", END])
    .compile({ checkpointer });
}

export type ExecutionGraph = ReturnType<typeof compileGraph>;

export { Command, interrupt } from "@langchain/langgraph";
