/**
 * One QuickJS runtime + context with limits, and the few operations everything else is built from: evaluate trusted or
 * user source, call a function, settle a promise, move JSON in and out, expose a host function.
 *
 * Every VM error surfaces as a `VmFailure` (threw / timeout / memory / stack / crashed); lib/sandbox/errors.ts turns it
 * into the `SandboxError` users see. A VM is single-threaded and synchronous; nothing here awaits.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from "quickjs-emscripten-core";
import type { JsonValue } from "@/lib/workflow/items";
import { CircularBinaryJson, UnsupportedBinaryJson, decodeBinaryJson, encodeBinaryJson } from "./binary-json";
import { DEFAULT_LIMITS, type SandboxLimits } from "./limits";
import { currentModule, discardCrashedModule, isHostLevelFailure, onModuleLoaded, recycleIfLarge, type LoadedModule } from "./module";
import { COUNTER_INIT, POLL_TICKS, POLL_TARGET_MS, contextPointer, probeInterruptCounter, type ContextInternals } from "./poll-countdown";
import { VmFailure, type ThrownValue, type VmFailureKind } from "./vm-failure";

export { DEFAULT_LIMITS, STACK_LIMIT_MAX_BYTES, STACK_LIMIT_SAFE_MAX_BYTES, resolveLimits, type SandboxLimits } from "./limits";
export { VmFailure, type ThrownValue, type VmFailureKind } from "./vm-failure";

let counterOffset: { generation: number; offset: number | undefined } | undefined;

/** Trusted helpers evaluated in every context before any user code, so that user code cannot replace what they use. */
const HELPERS_SOURCE = `(function () {
  "use strict";
  var stringify = JSON.stringify, parse = JSON.parse, toText = String, ErrorClass = Error;
  function read(value, key) { try { return value[key]; } catch (error) { return undefined; } }
  function describe(thrown) {
    var out = { isError: false, message: "" };
    try {
      if (thrown !== null && (typeof thrown === "object" || typeof thrown === "function")) {
        out.isError = thrown instanceof ErrorClass;
        var name = read(thrown, "name"), message = read(thrown, "message"), stack = read(thrown, "stack"), line = read(thrown, "lineNumber");
        if (typeof name === "string") out.name = name;
        if (typeof message === "string") out.message = message;
        else if (message !== undefined) out.message = toText(message);
        else { try { out.message = stringify(thrown); } catch (error) { out.message = toText(thrown); } }
        if (typeof stack === "string") out.stack = stack;
        if (typeof line === "number") out.lineNumber = line;
      } else {
        out.message = toText(thrown);
      }
    } catch (error) {
      out.message = "the thrown value could not be read";
    }
    if (typeof out.message !== "string") out.message = "unknown error";
    if (out.message.length > 4000) out.message = out.message.slice(0, 4000) + "…";
    return stringify(out);
  }
  return [describe, function (value) { return stringify(value); }, function (text) { return parse(text); }];
})()`;

let binaryCodec: { generation: number; works: boolean } | undefined;

export class SandboxVm {
  readonly generation: number;
  readonly runtime: QuickJSRuntime;
  readonly context: QuickJSContext;
  private readonly describeHandle: QuickJSHandle;
  private readonly stringifyHandle: QuickJSHandle;
  private readonly parseHandle: QuickJSHandle;
  private deadline = Number.POSITIVE_INFINITY;
  private heapBudget = Number.POSITIVE_INFINITY;
  private timedOut = false;
  private overMemory = false;
  private crashed = false;
  private disposed = false;
  private readonly memory: WebAssembly.Memory;
  private readonly counterIndex: number | undefined;
  private counterView: Int32Array | undefined;
  private pollTicks = POLL_TICKS;
  private lastPoll = 0;

  /** `loadedModule` is for the load-time probes; everyone else gets the current module. */
  constructor(
    readonly limits: Pick<SandboxLimits, "memoryLimitBytes" | "stackLimitBytes">,
    loadedModule: LoadedModule = currentModule(),
  ) {
    const { module, generation } = loadedModule;
    this.generation = generation;
    this.memory = loadedModule.memory;
    if (counterOffset?.generation !== generation) {
      counterOffset = { generation, offset: probeInterruptCounter(loadedModule) };
    }
    this.runtime = module.newRuntime();
    this.runtime.setMemoryLimit(limits.memoryLimitBytes);
    this.runtime.setMaxStackSize(limits.stackLimitBytes);
    this.context = this.runtime.newContext();
    const pointer = contextPointer(this.context);
    this.counterIndex = pointer !== undefined && counterOffset.offset !== undefined ? (pointer >> 2) + counterOffset.offset : undefined;
    this.runtime.setInterruptHandler(() => this.onInterrupt());
    const helpers = this.context.unwrapResult(this.context.evalCode(HELPERS_SOURCE, "hetumind-helpers.js"));
    this.describeHandle = this.context.getProp(helpers, 0);
    this.stringifyHandle = this.context.getProp(helpers, 1);
    this.parseHandle = this.context.getProp(helpers, 2);
    helpers.dispose();
    if (binaryCodec?.generation !== generation) {
      binaryCodec = { generation, works: false };
      binaryCodec.works = this.checkBinaryCodec();
    }
  }

  private onInterrupt(): boolean {
    const now = performance.now();
    if (this.counterIndex !== undefined) {
      const elapsed = Math.max(now - this.lastPoll, 0.001);
      const scaled = Math.round((this.pollTicks * POLL_TARGET_MS) / elapsed);
      this.pollTicks = Math.min(COUNTER_INIT, Math.max(1, Math.min(scaled, this.pollTicks * 4)));
      this.setCountdown(this.pollTicks);
    }
    this.lastPoll = now;
    if (now > this.deadline) {
      this.timedOut = true;
      return true;
    }
    if (this.memory.buffer.byteLength > this.heapBudget) {
      this.overMemory = true;
      return true;
    }
    return false;
  }

  /** Sets how many ticks QuickJS runs before calling the interrupt handler again. */
  private setCountdown(ticks: number): void {
    if (this.counterIndex === undefined) return;
    if (this.counterView?.buffer !== this.memory.buffer) this.counterView = new Int32Array(this.memory.buffer);
    this.counterView[this.counterIndex] = ticks;
  }

  /** Whether QuickJS polls the interrupt handler every POLL_TICKS ticks (instead of 10,000) in this module. */
  static fastPolling(): boolean {
    return counterOffset?.offset !== undefined;
  }

  get alive(): boolean {
    return !this.disposed && !this.crashed;
  }

  /** Whether values move as QuickJS binary objects (fast) rather than JSON text. */
  static binaryCodecWorks(): boolean {
    return binaryCodec?.works === true;
  }

  /**
   * Runs `body` with the time and memory limits armed. A host-level failure inside the WASM code (the host stack
   * overflowing, an assertion) marks the module as crashed; it is then reloaded and this VM is abandoned undisposed.
   */
  withDeadline<T>(timeoutMs: number, body: () => T): T {
    this.deadline = performance.now() + timeoutMs;
    this.heapBudget = this.memory.buffer.byteLength + this.limits.memoryLimitBytes;
    this.timedOut = false;
    this.overMemory = false;
    this.lastPoll = performance.now();
    this.pollTicks = 1;
    this.setCountdown(1);
    try {
      const result = body();
      if (this.memory.buffer.byteLength > this.heapBudget) {
        throw new VmFailure("memory", { isError: true, name: "InternalError", message: "out of memory" });
      }
      return result;
    } catch (error) {
      if (isHostLevelFailure(error)) {
        this.crashed = true;
        discardCrashedModule(this.generation);
        throw new VmFailure("crashed", { isError: true, name: "InternalError", message: "the sandbox crashed" }, { cause: error });
      }
      throw error;
    } finally {
      this.deadline = Number.POSITIVE_INFINITY;
      this.heapBudget = Number.POSITIVE_INFINITY;
    }
  }

  get didTimeOut(): boolean {
    return this.timedOut;
  }

  /** Evaluates source (global code) and returns its completion value. */
  evaluate(source: string, filename: string): QuickJSHandle {
    // Source travels as a C string: a raw NUL would cut it short. As an escape it means the same in strings, template
    // literals and regular expressions, and is still a syntax error anywhere else.
    const text = source.includes("\0") ? source.replaceAll("\0", "\\u0000") : source;
    const result = this.context.evalCode(text, filename, { type: "global" });
    if (result.error) throw this.failure(result.error);
    return result.value;
  }

  call(fn: QuickJSHandle, thisArg: QuickJSHandle | undefined, ...args: QuickJSHandle[]): QuickJSHandle {
    const result = this.context.callFunction(fn, thisArg ?? this.context.undefined, ...args);
    if (result.error) throw this.failure(result.error);
    return result.value;
  }

  /** Resolves a promise by running the VM's job queue (there are no timers, so everything settles now or never). */
  settle(handle: QuickJSHandle): QuickJSHandle {
    const first = this.context.getPromiseState(handle);
    if (first.type === "fulfilled" && first.notAPromise) return handle;
    if (first.type !== "pending") {
      handle.dispose();
      return this.settledValue(first);
    }
    try {
      do {
        const jobs = this.runtime.executePendingJobs(-1);
        if (jobs.error) throw this.failure(jobs.error);
      } while (this.runtime.hasPendingJob());
      return this.settledValue(this.context.getPromiseState(handle));
    } finally {
      handle.dispose();
    }
  }

  private settledValue(state: ReturnType<QuickJSContext["getPromiseState"]>): QuickJSHandle {
    if (state.type === "fulfilled") return state.value;
    if (state.type === "rejected") throw this.failure(state.error);
    // An interrupted async function is terminated without settling its promise.
    if (this.timedOut) throw new VmFailure("timeout", { isError: true, name: "InternalError", message: "interrupted" });
    if (this.overMemory) throw new VmFailure("memory", { isError: true, name: "InternalError", message: "out of memory" });
    throw new VmFailure("threw", {
      isError: true,
      name: "Error",
      message: "the code awaited a promise that never settles (the sandbox has no timers or network)",
    });
  }

  /** Moves a JSON value into the VM. `undefined` becomes the VM's undefined. */
  importJson(value: unknown): QuickJSHandle {
    if (value === undefined) return this.context.undefined;
    if (SandboxVm.binaryCodecWorks()) {
      const bytes = encodeBinaryJson(value);
      if (bytes === undefined) return this.context.undefined;
      const buffer = this.context.newArrayBuffer(bytes.buffer as ArrayBuffer);
      const decoded = this.context.decodeBinaryJSON(buffer);
      buffer.dispose();
      if (this.context.typeof(decoded) === "unknown") {
        this.clearPendingException(decoded);
        throw new VmFailure("memory", { isError: true, name: "InternalError", message: "out of memory" });
      }
      return decoded;
    }
    const text = JSON.stringify(value);
    if (text === undefined) return this.context.undefined;
    const textHandle = this.context.newString(text);
    try {
      return this.call(this.parseHandle, undefined, textHandle);
    } finally {
      textHandle.dispose();
    }
  }

  /**
   * Moves a VM value out as JSON: exactly `JSON.parse(JSON.stringify(value))` as the VM computes it (toJSON honoured,
   * functions and undefined dropped). Throws a VmFailure when the VM's JSON.stringify throws (cycle, BigInt...).
   * `viaText` forces the VM's JSON.stringify (used when the code may define toJSON on a prototype).
   */
  exportJson(handle: QuickJSHandle, options: { viaText?: boolean } = {}): JsonValue | undefined {
    const kind = this.context.typeof(handle);
    if (kind === "undefined" || kind === "function" || kind === "symbol") return undefined;
    // Strings go through the codec too: getString passes through a C string, which stops at "\0" and cannot carry
    // lone surrogates.
    if (kind === "boolean") return this.context.dump(handle) as boolean;
    if (kind === "number") {
      const number = this.context.getNumber(handle);
      return Number.isFinite(number) ? (number === 0 ? 0 : number) : null;
    }
    if (!options.viaText && SandboxVm.binaryCodecWorks()) {
      const fast = this.exportBinary(handle);
      if (fast.ok) return fast.value;
    }
    const text = this.call(this.stringifyHandle, undefined, handle);
    try {
      if (this.context.typeof(text) !== "string") return undefined;
      return JSON.parse(this.context.getString(text)) as JsonValue;
    } finally {
      text.dispose();
    }
  }

  private exportBinary(handle: QuickJSHandle): { ok: true; value: JsonValue | undefined } | { ok: false } {
    const encoded = this.context.encodeBinaryJSON(handle);
    if (this.context.typeof(encoded) !== "object") {
      this.clearPendingException(encoded);
      return { ok: false };
    }
    const bytes = this.context.getArrayBuffer(encoded);
    encoded.dispose();
    try {
      return { ok: true, value: decodeBinaryJson(bytes.value) };
    } catch (error) {
      if (error instanceof UnsupportedBinaryJson || error instanceof CircularBinaryJson) return { ok: false };
      throw error;
    } finally {
      bytes.dispose();
    }
  }

  /** A VM function that calls `implementation` with its arguments as JSON and returns its JSON result. */
  newHostFunction(name: string, implementation: (...args: Array<JsonValue | undefined>) => JsonValue | undefined): QuickJSHandle {
    return this.context.newFunction(name, (...argumentHandles) => {
      const args = argumentHandles.map((argument) => this.exportJson(argument));
      return this.importJson(implementation(...args));
    });
  }

  /** Turns a thrown VM value into a VmFailure, classified by what stopped the code. Disposes the handle. */
  failure(errorHandle: QuickJSHandle): VmFailure {
    if (this.timedOut) {
      errorHandle.dispose();
      return new VmFailure("timeout", { isError: true, name: "InternalError", message: "interrupted" });
    }
    if (this.overMemory) {
      errorHandle.dispose();
      return new VmFailure("memory", { isError: true, name: "InternalError", message: "out of memory" });
    }
    let thrown: ThrownValue;
    const described = this.context.callFunction(this.describeHandle, this.context.undefined, errorHandle);
    errorHandle.dispose();
    if (described.error) {
      described.error.dispose();
      if (this.timedOut) return new VmFailure("timeout", { isError: true, name: "InternalError", message: "interrupted" });
      if (this.overMemory) return new VmFailure("memory", { isError: true, name: "InternalError", message: "out of memory" });
      thrown = { isError: true, name: "InternalError", message: "out of memory" };
    } else {
      try {
        thrown = JSON.parse(this.context.getString(described.value)) as ThrownValue;
      } catch {
        thrown = { isError: false, message: "unknown error" };
      } finally {
        described.value.dispose();
      }
    }
    return new VmFailure(classify(thrown), thrown);
  }

  private clearPendingException(failed: QuickJSHandle): void {
    const internals = this.context as unknown as ContextInternals;
    const resolve = internals.ffi?.QTS_ResolveException;
    if (resolve && internals.ctx && internals.memory) {
      const pointer = resolve.call(internals.ffi, internals.ctx.value, failed.value as unknown as number);
      if (pointer) internals.memory.heapValueHandle(pointer).dispose();
    }
    failed.dispose();
  }

  /** Round-trips a sample through both codecs and compares with the VM's own JSON; false disables the binary path. */
  private checkBinaryCodec(): boolean {
    const sample = {
      text: "plain",
      latin: "café ÿ",
      wide: "✓ 日本 \uD83D\uDE00 \uD800",
      numbers: [0, -1, 1, 2147483647, -2147483648, 2147483648, 1.5, -0.25, 1e300],
      nested: { "0": "zero", "10": "ten", key: [true, false, null, { deep: [[]] }] },
      "__proto__": { own: 1 },
    };
    const hostJson = JSON.stringify(sample);
    try {
      const bytes = encodeBinaryJson(sample);
      if (!bytes) return false;
      const buffer = this.context.newArrayBuffer(bytes.buffer as ArrayBuffer);
      const decoded = this.context.decodeBinaryJSON(buffer);
      buffer.dispose();
      if (this.context.typeof(decoded) !== "object") {
        this.clearPendingException(decoded);
        return false;
      }
      const text = this.context.unwrapResult(this.context.callFunction(this.stringifyHandle, this.context.undefined, decoded));
      const vmJson = this.context.getString(text);
      text.dispose();
      const back = this.exportBinary(decoded);
      decoded.dispose();
      return vmJson === hostJson && back.ok && JSON.stringify(back.value) === hostJson;
    } catch {
      return false;
    }
  }

  dispose(): void {
    if (this.disposed || this.crashed) return;
    this.disposed = true;
    try {
      this.describeHandle.dispose();
      this.stringifyHandle.dispose();
      this.parseHandle.dispose();
      this.context.dispose();
      this.runtime.dispose();
      recycleIfLarge(this.generation);
    } catch (error) {
      // A leaked handle makes QuickJS abort inside JS_FreeRuntime: the module can no longer be trusted.
      if (isHostLevelFailure(error)) discardCrashedModule(this.generation);
      else throw error;
    }
  }
}

function classify(thrown: ThrownValue): VmFailureKind {
  if (thrown.name === "InternalError" && thrown.message === "out of memory") return "memory";
  if (thrown.message === "stack overflow" && (thrown.name === "InternalError" || thrown.name === "SyntaxError" || thrown.name === "RangeError")) {
    return "stack";
  }
  return "threw";
}

/** Probes each module instance as it loads (poll countdown, binary codec), so that the first run does not pay ~70 ms. */
onModuleLoaded((loadedModule) => {
  try {
    new SandboxVm(DEFAULT_LIMITS, loadedModule).dispose();
  } catch {
    /* the probes are redone (and fail the same way) by the first real VM */
  }
});
