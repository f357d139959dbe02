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
import { currentModule, discardCrashedModule, isHostLevelFailure, recycleIfLarge, type LoadedModule } from "./module";

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

/** What a thrown value looked like, read inside the VM by trusted code. */
export interface ThrownValue {
  name?: string;
  message: string;
  stack?: string;
  /** Set by QuickJS on SyntaxErrors. */
  lineNumber?: number;
  isError: boolean;
}

export type VmFailureKind = "threw" | "timeout" | "memory" | "stack" | "crashed";

export class VmFailure extends Error {
  constructor(
    readonly kind: VmFailureKind,
    readonly thrown: ThrownValue,
    options?: { cause?: unknown },
  ) {
    super(thrown.message, options);
    this.name = "VmFailure";
  }
}

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

/** Protected internals of quickjs-emscripten 0.32 (clearing a failed encode's exception; the context pointer). */
interface ContextInternals {
  ffi?: { QTS_ResolveException?: (context: number, value: number) => number };
  ctx?: { value: number };
  memory?: { heapValueHandle(pointer: number): QuickJSHandle };
}

function contextPointer(context: QuickJSContext): number | undefined {
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
const POLL_TICKS = 500;
const POLL_TARGET_MS = 1;
const COUNTER_INIT = 10_000;
let counterOffset: { generation: number; offset: number | undefined } | undefined;

function probeInterruptCounter(loadedModule: LoadedModule): number | undefined {
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

  constructor(readonly limits: Pick<SandboxLimits, "memoryLimitBytes" | "stackLimitBytes">) {
    const loadedModule = currentModule();
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
