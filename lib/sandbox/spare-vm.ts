/**
 * VMs built ahead and disposed of later, off the path of a run (lib/idle-work.ts):
 * - a spare VM: building a runtime and a context (~0.3-0.5 ms) costs more than a short tool call runs. `prepareVm` (a
 *   Code tool handed to an agent) and every `takeVm` (the next call will want one) queue its build as idle work: it is
 *   built while the thread waits (an execution's end being written), so the next call does not pay for it. The spare
 *   never ran code and serves only a run with the same memory and stack limits on the same module instance. At most one
 *   is kept.
 * - a used VM (`retireVm`) is disposed of (~0.1 ms) as idle work when its run was short and ended well: a short run
 *   cannot have allocated much. Any other, and any beyond `RETIRED_MAX` waiting, is disposed of at once.
 * See docs/decisions/sandbox-work-while-the-database-writes.md.
 */
import { whenIdle } from "@/lib/idle-work";
import { currentGeneration, isSandboxLoaded } from "./module";
import { SandboxVm, type SandboxLimits } from "./vm";

type VmLimits = Pick<SandboxLimits, "memoryLimitBytes" | "stackLimitBytes">;

/** A run shorter than this may leave its VM to be disposed of as idle work. */
export const SHORT_RUN_MS = 2;
/** Used VMs waiting to be disposed of, at most. */
export const RETIRED_MAX = 2;

let spare: SandboxVm | undefined;
let planned: VmLimits | undefined;
let retiredWaiting = 0;

const sameLimits = (a: VmLimits, b: VmLimits) => a.memoryLimitBytes === b.memoryLimitBytes && a.stackLimitBytes === b.stackLimitBytes;
const fits = (vm: SandboxVm, limits: VmLimits) => vm.alive && vm.generation === currentGeneration() && sameLimits(vm.limits, limits);

/** A run with these limits will come: build its VM when the thread is next idle (once). */
export function prepareVm(limits: VmLimits): void {
  if (spare && fits(spare, limits)) return;
  const queued = planned !== undefined;
  planned = { memoryLimitBytes: limits.memoryLimitBytes, stackLimitBytes: limits.stackLimitBytes };
  if (!queued) whenIdle("build a spare sandbox VM", buildPlanned);
}

function buildPlanned(): void {
  const wanted = planned;
  planned = undefined;
  if (!wanted || !isSandboxLoaded() || (spare && fits(spare, wanted))) return;
  drop();
  spare = new SandboxVm(wanted);
}

/** A fresh VM for a run: the spare one when it fits, else a new one. Another spare is planned for the next run. */
export function takeVm(limits: VmLimits): SandboxVm {
  const ready = spare;
  spare = undefined;
  prepareVm(limits);
  if (ready && fits(ready, limits)) return ready;
  if (ready) dispose(ready);
  return new SandboxVm(limits);
}

/** A VM whose run is over: disposed of as idle work after a short run that ended well, else at once. */
export function retireVm(vm: SandboxVm, run: { ms: number; failed: boolean }): void {
  if (!vm.alive) return;
  if (run.failed || run.ms >= SHORT_RUN_MS || retiredWaiting >= RETIRED_MAX) {
    dispose(vm);
    return;
  }
  retiredWaiting += 1;
  whenIdle("dispose of a used sandbox VM", () => {
    retiredWaiting -= 1;
    dispose(vm);
  });
}

function drop(): void {
  if (spare) dispose(spare);
  spare = undefined;
}

/** A VM of a module instance that was replaced is left alone: that instance is not touched again. */
function dispose(vm: SandboxVm): void {
  if (vm.generation === currentGeneration()) vm.dispose();
}

/** Whether a spare VM is ready, one is planned, and how many used ones wait to be disposed of (tests, metrics). */
export function spareVmState(): { ready: boolean; planned: boolean; retiredWaiting: number } {
  return { ready: spare !== undefined, planned: planned !== undefined, retiredWaiting };
}
