/** Limits of one sandbox run and their defaults (see docs/sandbox-and-expressions.md, "Limits"). */
export interface SandboxLimits {
  /** Wall-clock limit for one run (the interrupt handler stops the VM past it). */
  timeoutMs: number;
  /**
   * How much the run may grow the WASM heap (checked every few hundred VM operations and at the end), also handed to
   * QuickJS's setMemoryLimit (which in this build only refuses single allocations larger than the limit).
   */
  memoryLimitBytes: number;
  /** QuickJS stack limit (runtime.setMaxStackSize). See STACK_LIMIT_SAFE_MAX_BYTES. */
  stackLimitBytes: number;
}

/**
 * QuickJS measures its stack in WASM linear memory, but native recursion inside the VM (the parser, JSON, toString,
 * Array.prototype.flat...) also consumes the host's V8 stack, up to ~25x faster. Measured on Node 20 (984 KB host stack):
 * at 32 KB every native recursion we tried is stopped by QuickJS with a clean "stack overflow" even with half the host
 * stack already in use; at 48 KB `JSON.stringify` of a deep object overflows the host first. 32 KB allows ~150 nested
 * JavaScript calls. Larger limits are accepted up to the maximum; a host overflow then discards and reloads the module.
 */
export const STACK_LIMIT_SAFE_MAX_BYTES = 32 * 1024;
export const STACK_LIMIT_MAX_BYTES = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  timeoutMs: 5_000,
  memoryLimitBytes: 64 * 1024 * 1024,
  stackLimitBytes: STACK_LIMIT_SAFE_MAX_BYTES,
});

export function resolveLimits(limits: Partial<SandboxLimits> = {}): SandboxLimits {
  const pick = (value: number | undefined, fallback: number, min: number, max: number) =>
    value === undefined || !Number.isFinite(value) ? fallback : Math.min(max, Math.max(min, Math.floor(value)));
  return {
    timeoutMs: pick(limits.timeoutMs, DEFAULT_LIMITS.timeoutMs, 1, 10 * 60_000),
    memoryLimitBytes: pick(limits.memoryLimitBytes, DEFAULT_LIMITS.memoryLimitBytes, 1024 * 1024, 2 * 1024 * 1024 * 1024),
    stackLimitBytes: pick(limits.stackLimitBytes, DEFAULT_LIMITS.stackLimitBytes, 8 * 1024, STACK_LIMIT_MAX_BYTES),
  };
}
