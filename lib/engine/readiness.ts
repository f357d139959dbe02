import type { CompiledWorkflow } from "./compiled-workflow";
import type { Activation } from "./run-state";

const ancestorCache = new WeakMap<CompiledWorkflow, Map<string, Set<string>>>();

/** The node and every node upstream of it through `main` (memoised per compiled workflow; computed only for multi-input nodes' sources). */
function ancestorsOrSelf(compiled: CompiledWorkflow, name: string): Set<string> {
  let cache = ancestorCache.get(compiled);
  if (!cache) {
    cache = new Map();
    ancestorCache.set(compiled, cache);
  }
  const cached = cache.get(name);
  if (cached) return cached;
  const seen = new Set<string>([name]);
  const queue = [name];
  while (queue.length > 0) {
    const current = queue.pop()!;
    for (const sources of compiled.nodes.get(current)?.incomingSources ?? []) {
      for (const source of sources) {
        if (!seen.has(source)) {
          seen.add(source);
          queue.push(source);
        }
      }
    }
  }
  cache.set(name, seen);
  return seen;
}

/** Can an empty input of this activation still receive data from something that is pending? */
function inputCanStillFire(compiled: CompiledWorkflow, stack: Activation[], activation: Activation, inputIndex: number): boolean {
  const sources = compiled.nodes.get(activation.node)?.incomingSources[inputIndex] ?? [];
  return stack.some(
    (pending) => pending !== activation && sources.some((source) => ancestorsOrSelf(compiled, source).has(pending.node)),
  );
}

/**
 * Picks the activation to run next: the top-most one that is ready. A single-input node is always ready; a node with several
 * inputs (Merge) is ready when every input has data or can no longer receive any. If nothing is ready (inputs that wait on
 * each other), the top-most activation runs with what it has.
 */
export function pickReadyActivation(compiled: CompiledWorkflow, stack: Activation[]): number {
  for (let position = stack.length - 1; position >= 0; position--) {
    const activation = stack[position];
    if (activation.inputs.length <= 1) return position;
    const ready = activation.inputs.every(
      (input, inputIndex) => input !== null || !inputCanStillFire(compiled, stack, activation, inputIndex),
    );
    if (ready) return position;
  }
  return stack.length - 1;
}
