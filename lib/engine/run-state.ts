import type { Item, JsonObject } from "@/lib/workflow/items";
import type { StoredOutputList } from "./stored-output";
import type { NodeRunUsage } from "@/lib/workflow/usage";

/** Where an input's items came from: the UI resolves a node's input from its sources' recorded outputs. */
export interface InputSource {
  node: string;
  output: number;
  run: number;
}

/** Data waiting for a node: one slot per main input; `null` until that input fires. */
export interface Activation {
  node: string;
  inputs: Array<Item[] | null>;
  sources: Array<InputSource | null>;
}

export interface SerializedError {
  message: string;
  code: string;
  node?: string;
  fields?: Record<string, unknown>;
}

/**
 * The interpreter's whole state between segments. It is the one LangGraph channel, so it is what every checkpoint holds:
 * keep it small (only referenced outputs are kept).
 */
export interface RunState {
  /** Pending activations; the interpreter takes the top-most ready one (depth-first, like n8n's v1 order). */
  stack: Activation[];
  /** Latest main output 0 of nodes that expressions reference. */
  outputs: Record<string, Item[]>;
  runCounts: Record<string, number>;
  nodeState: Record<string, JsonObject>;
  lastNode: string | null;
  lastOutput: Item[];
  segments: number;
  loopTurns: number;
  done: boolean;
  failed: SerializedError | null;
}

export function initialRunState(trigger: string, input: Item[]): RunState {
  return {
    stack: [{ node: trigger, inputs: [input], sources: [null] }],
    outputs: {},
    runCounts: {},
    nodeState: {},
    lastNode: null,
    lastOutput: [],
    segments: 0,
    loopTurns: 0,
    done: false,
    failed: null,
  };
}

/** A node run as `node_runs` records it. */
export interface NodeRunRecord {
  nodeName: string;
  nodeType: string;
  runIndex: number;
  attempt: number;
  status: "succeeded" | "failed";
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  itemsIn: number;
  itemsOut: number;
  input: Array<InputSource | null>;
  /** Per output index; pass-through lists are stored as positions in input 0 (see stored-output.ts). */
  output: StoredOutputList[] | null;
  error: SerializedError | null;
  /** The model calls' token usage and cost (AI nodes only). */
  usage?: NodeRunUsage;
}
