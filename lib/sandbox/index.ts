/**
 * User JavaScript in QuickJS (WASM) with no host access. See docs/sandbox-and-expressions.md.
 *
 *   await loadSandbox();                       // once per process (idempotent)
 *   const { value, logs } = runUserCode({ code: "return [1, 2].map((n) => n * 2)" });
 */
export { loadSandbox, isSandboxLoaded, sandboxStats, SANDBOX_MEMORY_CAP_BYTES } from "./module";
export {
  runUserCode,
  runInSandbox,
  SandboxSession,
  type RunUserCodeOptions,
  type UserCodeResult,
  type SandboxRunOptions,
  type HostFunction,
  type ConsoleEntry,
  type ConsoleLevel,
} from "./session";
export { prepareVm } from "./spare-vm";
export { DEFAULT_LIMITS, STACK_LIMIT_SAFE_MAX_BYTES, STACK_LIMIT_MAX_BYTES, resolveLimits, type SandboxLimits } from "./vm";
export { HOST_ONLY_NAMES, normalizeVmMessage } from "./errors";
