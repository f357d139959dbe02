/**
 * One run of user code: a fresh QuickJS runtime + context with the run's limits, console capture, globals, the user's
 * function compiled with a known line offset, and every handle disposed at the end. `runInSandbox` turns whatever stops
 * the run into a `SandboxError` (user line, logs so far, node name).
 */
import type { QuickJSHandle } from "quickjs-emscripten-core";
import { SandboxError } from "@/lib/errors";
import type { JsonValue } from "@/lib/workflow/items";
import { toSandboxError, type UserSourceMapping } from "./errors";
import { retireVm, takeVm } from "./spare-vm";
import { SandboxVm, VmFailure, resolveLimits, type SandboxLimits } from "./vm";

/** A host function user code may call. Arguments and result cross the boundary as JSON; a throw becomes a VM Error. */
export type HostFunction = (...args: Array<JsonValue | undefined>) => JsonValue | undefined;

export type ConsoleLevel = "log" | "info" | "warn" | "error" | "debug";

export interface ConsoleEntry {
  level: ConsoleLevel;
  message: string;
}

export interface SandboxRunOptions extends Partial<SandboxLimits> {
  /** Names the place in error messages ("the Code node", default). */
  label?: string;
  /** Install a capturing `console` (default true; skipping it saves ~0.15 ms when the code never logs). */
  console?: boolean;
  /** Recorded on errors as `fields.node`. */
  node?: string;
}

const MAX_CONSOLE_ENTRIES = 1_000;
const MAX_CONSOLE_MESSAGE = 10_000;
const HOST_ERROR_KEY = "__hetumindHostError__";

const CONSOLE_SOURCE = `(function (hostLog) {
  "use strict";
  var stringify = JSON.stringify, toText = String, ErrorClass = Error;
  function format(value) {
    if (typeof value === "string") return value;
    if (value === undefined) return "undefined";
    if (typeof value === "function") return "[Function" + (value.name ? ": " + value.name : "") + "]";
    if (typeof value === "symbol" || typeof value === "bigint") return toText(value);
    if (value instanceof ErrorClass) return toText(value.name) + ": " + toText(value.message);
    try { var text = stringify(value); return text === undefined ? toText(value) : text; } catch (error) { return toText(value); }
  }
  function make(level) {
    return function () {
      var parts = [];
      for (var index = 0; index < arguments.length; index++) parts.push(format(arguments[index]));
      hostLog(level, parts.join(" "));
    };
  }
  return { log: make("log"), info: make("info"), warn: make("warn"), error: make("error"), debug: make("debug"), trace: make("debug") };
})`;

const HOST_FUNCTION_WRAPPER_SOURCE = `(function (key) {
  "use strict";
  var has = Object.prototype.hasOwnProperty, ErrorClass = Error;
  return function (raw, name) {
    var wrapped = function () {
      var result = raw.apply(undefined, arguments);
      if (result !== null && typeof result === "object" && has.call(result, key)) throw new ErrorClass(result[key]);
      return result;
    };
    Object.defineProperty(wrapped, "name", { value: name });
    return wrapped;
  };
})`;

/** The code returned something that does not serialise to JSON (a cycle, a BigInt, a throwing toJSON). */
export class InvalidResultError extends Error {}

export class SandboxSession {
  readonly logs: ConsoleEntry[] = [];
  private droppedLogs = 0;
  private readonly handles: QuickJSHandle[] = [];
  private mapping: UserSourceMapping | undefined;
  private wrapHostFunction: QuickJSHandle | undefined;

  constructor(
    readonly vm: SandboxVm,
    readonly limits: SandboxLimits,
  ) {}

  /** Disposes the handle when the run ends. */
  manage(handle: QuickJSHandle): QuickJSHandle {
    this.handles.push(handle);
    return handle;
  }

  installConsole(): void {
    const factory = this.manage(this.vm.evaluate(CONSOLE_SOURCE, "hetumind-console.js"));
    const hostLog = this.manage(
      this.vm.context.newFunction("log", (levelHandle, messageHandle) => {
        const message = this.vm.exportJson(messageHandle);
        this.record(this.vm.context.getString(levelHandle) as ConsoleLevel, typeof message === "string" ? message : String(message));
      }),
    );
    const consoleObject = this.manage(this.vm.call(factory, undefined, hostLog));
    this.vm.context.setProp(this.vm.context.global, "console", consoleObject);
  }

  private record(level: ConsoleLevel, message: string): void {
    if (this.logs.length >= MAX_CONSOLE_ENTRIES) {
      this.droppedLogs += 1;
      return;
    }
    this.logs.push({ level, message: message.length > MAX_CONSOLE_MESSAGE ? `${message.slice(0, MAX_CONSOLE_MESSAGE)}…` : message });
  }

  /** The captured console output, with a last line saying how many lines were dropped past the cap. */
  consoleOutput(): ConsoleEntry[] {
    if (this.droppedLogs === 0) return this.logs;
    return [...this.logs, { level: "warn", message: `… ${this.droppedLogs} more console lines were dropped` }];
  }

  /** A VM function calling a host function; its throws become VM `Error`s thrown at the caller's line. */
  hostFunction(name: string, implementation: HostFunction): QuickJSHandle {
    if (!this.wrapHostFunction) {
      const factory = this.manage(this.vm.evaluate(HOST_FUNCTION_WRAPPER_SOURCE, "hetumind-host.js"));
      const key = this.manage(this.vm.context.newString(HOST_ERROR_KEY));
      this.wrapHostFunction = this.manage(this.vm.call(factory, undefined, key));
    }
    const raw = this.manage(
      this.vm.newHostFunction(name, (...args) => {
        try {
          return implementation(...args);
        } catch (error) {
          return { [HOST_ERROR_KEY]: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const nameHandle = this.manage(this.vm.context.newString(name));
    return this.manage(this.vm.call(this.wrapHostFunction, undefined, raw, nameHandle));
  }

  setGlobal(name: string, value: JsonValue | HostFunction): void {
    const handle = typeof value === "function" ? this.hostFunction(name, value) : this.json(value);
    this.vm.context.setProp(this.vm.context.global, name, handle);
  }

  json(value: unknown): QuickJSHandle {
    return this.manage(this.vm.importJson(value));
  }

  /** Evaluates trusted source (drivers, preludes): not the user's, so its frames never count as the user's line. */
  evaluateTrusted(source: string, filename = "hetumind-driver.js"): QuickJSHandle {
    return this.manage(this.vm.evaluate(source, filename));
  }

  /**
   * Compiles user code as the body of a function and returns a factory: `factory(...parameters)` returns the user's
   * function, whose body sees the parameters as outer variables (so user code may redeclare them with let/const).
   * The body is async when the code uses `await`.
   */
  compileUserFunction(code: string, options: { parameters?: string[]; filename?: string } = {}): QuickJSHandle {
    const filename = options.filename ?? "user-code.js";
    const isAsync = /\bawait\b/.test(code);
    const header = `(function (${(options.parameters ?? []).join(", ")}) { return ${isAsync ? "async " : ""}function () {`;
    this.mapping = { filename, lineOffset: 1, lineCount: code.split("\n").length, source: code };
    return this.manage(this.vm.evaluate(`${header}\n${code}\n}; })`, filename));
  }

  call(fn: QuickJSHandle, thisArg?: QuickJSHandle, ...args: QuickJSHandle[]): QuickJSHandle {
    return this.manage(this.vm.call(fn, thisArg, ...args));
  }

  /** Awaits a promise (runs the job queue); returns other values as they are. Takes ownership of `handle`. */
  settle(handle: QuickJSHandle): QuickJSHandle {
    const index = this.handles.indexOf(handle);
    if (index >= 0) this.handles.splice(index, 1);
    return this.manage(this.vm.settle(handle));
  }

  /** The value as JSON; `InvalidResultError` when the VM's JSON.stringify refuses it. */
  toJson(handle: QuickJSHandle, options: { viaText?: boolean } = {}): JsonValue | undefined {
    try {
      return this.vm.exportJson(handle, options);
    } catch (error) {
      if (error instanceof VmFailure && error.kind === "threw") {
        throw new InvalidResultError(`the result cannot be converted to JSON: ${error.thrown.message}`, { cause: error });
      }
      throw error;
    }
  }

  get userSourceMapping(): UserSourceMapping | undefined {
    return this.mapping;
  }

  dispose(): void {
    for (const handle of this.handles.reverse()) {
      if (handle.alive) handle.dispose();
    }
    this.handles.length = 0;
  }
}

export interface SandboxRunHooks {
  /** Called after a failure, outside the time limit, to say which item was being processed. */
  onFailure?(session: SandboxSession): { itemIndex?: number } | void;
}

/**
 * Runs `body` in a fresh sandbox with the given limits; the time limit covers everything `body` does in the VM.
 * Throws `SandboxError` (with `fields.logs`) for every failure of the code.
 */
export function runInSandbox<T>(options: SandboxRunOptions, body: (session: SandboxSession) => T, hooks: SandboxRunHooks = {}): T {
  const limits = resolveLimits(options);
  const vm = takeVm(limits);
  const session = new SandboxSession(vm, limits);
  const started = performance.now();
  let failed = true;
  try {
    const result = vm.withDeadline(limits.timeoutMs, () => {
      if (options.console !== false) session.installConsole();
      return body(session);
    });
    failed = false;
    return result;
  } catch (error) {
    let itemIndex: number | undefined;
    if (vm.alive && hooks.onFailure) {
      try {
        itemIndex = hooks.onFailure(session)?.itemIndex;
      } catch {
        itemIndex = undefined;
      }
    }
    throw asSandboxError(error, session, { ...options, itemIndex }, limits);
  } finally {
    if (vm.alive) {
      session.dispose();
      retireVm(vm, { ms: performance.now() - started, failed });
    }
  }
}

export function asSandboxError(error: unknown, session: SandboxSession, options: SandboxRunOptions & { itemIndex?: number }, limits: SandboxLimits): unknown {
  const base = {
    limits,
    label: options.label ?? "the Code node",
    mapping: session.userSourceMapping,
    node: options.node,
    itemIndex: options.itemIndex,
    logs: logsForError(session.consoleOutput()),
  };
  if (error instanceof VmFailure) return toSandboxError(error, base);
  if (error instanceof InvalidResultError) {
    const fields: ConstructorParameters<typeof SandboxError>[2] = { logs: base.logs };
    if (options.node !== undefined) fields.node = options.node;
    if (options.itemIndex !== undefined) fields.itemIndex = options.itemIndex;
    return new SandboxError("code_invalid_result", error.message, fields, { cause: error });
  }
  return error;
}

/** Errors travel into execution records: they carry only the last lines the code printed, shortened. */
const ERROR_LOG_LINES = 20;
const ERROR_LOG_MESSAGE = 2_000;

function logsForError(logs: ConsoleEntry[]): ConsoleEntry[] {
  return logs.slice(-ERROR_LOG_LINES).map((entry) =>
    entry.message.length > ERROR_LOG_MESSAGE ? { level: entry.level, message: `${entry.message.slice(0, ERROR_LOG_MESSAGE)}…` } : entry,
  );
}

export interface RunUserCodeOptions extends SandboxRunOptions {
  /** The body of a function: `return` gives the result; `await` works (there are no timers or network to wait for). */
  code: string;
  /** Globals the code sees: JSON values, or host functions called with and returning JSON. */
  globals?: Record<string, JsonValue | HostFunction>;
}

export interface UserCodeResult {
  /** What the code returned, as JSON (`undefined` when it returned nothing). */
  value: JsonValue | undefined;
  /** What the code printed with console.*, in order. */
  logs: ConsoleEntry[];
  durationMs: number;
}

/** Runs user JavaScript in a fresh QuickJS context with no host access. Synchronous; call `loadSandbox()` first. */
export function runUserCode(options: RunUserCodeOptions): UserCodeResult {
  const started = performance.now();
  return runInSandbox({ console: mayUseConsole(options.code), ...options }, (session) => {
    for (const [name, value] of Object.entries(options.globals ?? {})) session.setGlobal(name, value);
    const factory = session.compileUserFunction(options.code);
    const userFunction = session.call(factory);
    const result = session.settle(session.call(userFunction));
    const value = session.toJson(result, { viaText: mayDefineToJson(options.code) });
    return { value, logs: session.consoleOutput(), durationMs: performance.now() - started };
  });
}

/** Whether the code may log (it names `console`, or builds code at run time). */
export function mayUseConsole(code: string): boolean {
  return /\bconsole\b|\beval\b|\bFunction\b|constructor/.test(code);
}

/**
 * The binary export path ignores `toJSON` methods inherited from prototypes (class instances); code that mentions
 * toJSON is exported through the VM's own JSON.stringify instead.
 */
export function mayDefineToJson(code: string): boolean {
  return code.includes("toJSON");
}
