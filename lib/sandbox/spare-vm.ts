/**
 * One VM built ahead of a run that is known to come (`prepareVm`: a Code tool handed to an agent), so that the run does
 * not pay for it. Building a runtime and a context (~0.3-0.5 ms) costs more than a short tool call runs; it is built on
 * the next turn of the event loop, while the agent waits for its memory and its model. The spare VM never ran code,
 * and is used only for a run with the same memory and stack limits on the same module instance; otherwise it is
 * dropped. At most one is kept.
 */
import { currentGeneration, isSandboxLoaded } from "./module";
import { SandboxVm, type SandboxLimits } from "./vm";

type VmLimits = Pick<SandboxLimits, "memoryLimitBytes" | "stackLimitBytes">;

let spare: SandboxVm | undefined;
let planned: VmLimits | undefined;

const sameLimits = (a: VmLimits, b: VmLimits) => a.memoryLimitBytes === b.memoryLimitBytes && a.stackLimitBytes === b.stackLimitBytes;

/** A run with these limits will come soon: build its VM on the next turn of the event loop (once). */
export function prepareVm(limits: VmLimits): void {
  if (planned || (spare && sameLimits(spare.limits, limits))) return;
  planned = { memoryLimitBytes: limits.memoryLimitBytes, stackLimitBytes: limits.stackLimitBytes };
  setImmediate(() => {
    const wanted = planned!;
    planned = undefined;
    if (!isSandboxLoaded()) return;
    drop();
    spare = new SandboxVm(wanted);
  });
}

/** A fresh VM for a run: the spare one when it fits, else a new one. */
export function takeVm(limits: VmLimits): SandboxVm {
  const ready = spare;
  spare = undefined;
  if (ready && ready.alive && ready.generation === currentGeneration() && sameLimits(ready.limits, limits)) return ready;
  if (ready) dispose(ready);
  return new SandboxVm(limits);
}

function drop(): void {
  if (spare) dispose(spare);
  spare = undefined;
}

/** A VM of a module instance that was replaced is left alone: that instance is not touched again. */
function dispose(vm: SandboxVm): void {
  if (vm.generation === currentGeneration()) vm.dispose();
}
