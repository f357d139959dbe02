/**
 * Internals of quickjs-emscripten 0.32 and QuickJS that the VM relies on, each verified before use: the context pointer
 * (to reach `JSContext.interrupt_counter`) and the pending exception a failed binary encode leaves behind.
 */
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import type { LoadedModule } from "./module";

/** Protected internals of quickjs-emscripten 0.32 (clearing a failed encode's exception; the context pointer). */
export interface ContextInternals {
  ffi?: { QTS_ResolveException?: (context: number, value: number) => number };
  ctx?: { value: number };
  memory?: { heapValueHandle(pointer: number): QuickJSHandle };
}

export function contextPointer(context: QuickJSContext): number | undefined {
  const pointer = (context as unknown as ContextInternals).ctx?.value;
  return typeof pointer === "number" && pointer > 0 && pointer % 4 === 0 ? pointer : undefined;
}

/**
 * QuickJS calls the interrupt handler every 10,000 "ticks" (calls and backward jumps). A loop whose body is one slow
 * native call (`'x'.repeat(1e5)`, `big.indexOf(...)`) then overshoots the time limit by 10,000 such calls. The handler
 * therefore sets the context's countdown (`JSContext.interrupt_counter`, found once per module by a probe that checks
 * the handler really is called more often) so that it runs about every POLL_TARGET_MS: fewer ticks when ticks are
 * slow, more when they are fast.
 */
export const POLL_TICKS = 500;
export const POLL_TARGET_MS = 1;
export const COUNTER_INIT = 10_000;

export function probeInterruptCounter(loadedModule: LoadedModule): number | undefined {
  const runtime = loadedModule.module.newRuntime();
  const context = runtime.newContext();
  const pointer = contextPointer(context);
  let offset: number | undefined;
  try {
    if (pointer === undefined) return undefined;
    let candidates: number[] | undefined;
    let plainCalls = 0;
    runtime.setInterruptHandler(() => {
      plainCalls += 1;
      const view = new Int32Array(loadedModule.memory.buffer, pointer, 256);
      const found: number[] = [];
      for (let index = 0; index < view.length; index++) if (view[index] === COUNTER_INIT) found.push(index);
      candidates = candidates === undefined ? found : candidates.filter((candidate) => found.includes(candidate));
      return false;
    });
    context.unwrapResult(context.evalCode("for (let i = 0; i < 100000; i++) {}")).dispose();
    if (candidates?.length !== 1 || plainCalls < 5) return undefined;
    const candidate = candidates[0];
    let fastCalls = 0;
    runtime.setInterruptHandler(() => {
      fastCalls += 1;
      new Int32Array(loadedModule.memory.buffer, pointer, 256)[candidate] = POLL_TICKS;
      return false;
    });
    context.unwrapResult(context.evalCode("for (let i = 0; i < 100000; i++) {}")).dispose();
    if (fastCalls > plainCalls * 5) offset = candidate;
  } catch {
    offset = undefined;
  } finally {
    runtime.removeInterruptHandler();
    context.dispose();
    runtime.dispose();
  }
  return offset;
}
