import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";
import type { Item, JsonValue } from "@/lib/workflow/items";

interface LoopState {
  queue: Item[];
  processed: Item[];
  iteration: number;
}

function readState(raw: Record<string, JsonValue>): LoopState | undefined {
  return raw.loop === undefined ? undefined : (raw.loop as unknown as LoopState);
}

/**
 * Loop Over Items (n8n's Split in Batches v3): hands its input out in batches on `loop`; what comes back into it is collected;
 * when every batch has been handed out, all collected items leave on `done`. The cycle back into it is a real cycle.
 */
export const loopOverItems = defineNode({
  type: "hetumind.splitInBatches",
  version: 1,
  displayName: "Loop Over Items",
  description: "Processes items in batches through a loop, then outputs everything on done.",
  group: "flow",
  icon: "repeat",
  aliases: ["loop", "split in batches", "batch"],
  loop: true,
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main", name: "done" }, { kind: "main", name: "loop" }],
  parameters: z.object({ batchSize: z.number().int().min(1).default(1) }),
  sideEffects: false,
  execute(context) {
    const { batchSize } = context.parameters(0);
    let state = readState(context.state);
    if (state === undefined) {
      state = { queue: context.items, processed: [], iteration: 0 };
    } else {
      state.processed.push(...context.items);
    }
    if (state.queue.length === 0) {
      delete context.state.loop;
      return [state.processed, null];
    }
    const batch = state.queue.slice(0, batchSize);
    state.queue = state.queue.slice(batchSize);
    state.iteration += 1;
    context.state.loop = state as unknown as JsonValue;
    return [null, batch];
  },
});
