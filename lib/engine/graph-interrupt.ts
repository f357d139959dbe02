/**
 * LangGraph's `isGraphInterrupt`, without loading LangGraph: the engine loads it only for runs that go past their first
 * segment (engine.ts, compile.ts). LangGraph tells its interrupts by name (`unminifiable_name`, errors.js), as here;
 * tests/unit/graph-interrupt.test.ts checks both answer alike.
 */
const INTERRUPT_NAMES: ReadonlySet<string> = new Set(["GraphInterrupt", "NodeInterrupt"]);

export function isGraphInterrupt(error: unknown): boolean {
  return typeof error === "object" && error !== null && INTERRUPT_NAMES.has((error as { name?: unknown }).name as string);
}
