/**
 * From what stopped the VM to the error a user reads: the user's own line number, familiar (V8-style) messages, and a
 * clear refusal when code reaches for the host.
 */
import { SandboxError, type SandboxErrorCode } from "@/lib/errors";
import type { SandboxLimits, ThrownValue, VmFailure } from "./vm";

/** Where user source sits inside what the VM evaluated, so stack lines map back to the user's lines. */
export interface UserSourceMapping {
  filename: string;
  /** Lines the wrapper adds before the user's first line. */
  lineOffset: number;
  /** Number of lines of user source (frames outside it are the wrapper's). */
  lineCount: number;
  /** The user's source, to recognise `import` statements. */
  source: string;
}

/** Names that exist in Node or browsers but not in the sandbox; reaching for them gets `code_forbidden`. */
export const HOST_ONLY_NAMES: ReadonlySet<string> = new Set([
  "process",
  "require",
  "module",
  "exports",
  "__dirname",
  "__filename",
  "global",
  "Buffer",
  "fetch",
  "XMLHttpRequest",
  "WebSocket",
  "EventSource",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "clearTimeout",
  "clearInterval",
  "clearImmediate",
  "queueMicrotask",
  "importScripts",
  "Deno",
  "Bun",
  "window",
  "document",
  "navigator",
  "localStorage",
  "WebAssembly",
  "SharedArrayBuffer",
  "Atomics",
  "Worker",
]);

/** QuickJS's wording -> the wording users know from Node and browsers. */
export function normalizeVmMessage(message: string): string {
  let match = /^cannot read property '(.*)' of (undefined|null)$/.exec(message);
  if (match) return `Cannot read properties of ${match[2]} (reading '${match[1]}')`;
  match = /^cannot read property of (undefined|null)$/.exec(message);
  if (match) return `Cannot read properties of ${match[1]}`;
  match = /^cannot set property '(.*)' of (undefined|null)$/.exec(message);
  if (match) return `Cannot set properties of ${match[2]} (setting '${match[1]}')`;
  match = /^'(.*)' is not defined$/.exec(message);
  if (match) return `${match[1]} is not defined`;
  if (message === "not a function") return "is not a function";
  return message;
}

export interface UserLocation {
  line: number;
  column?: number;
}

/** Finds the first stack frame inside the user's source and returns its position in the user's own numbering. */
export function locateInUserSource(thrown: ThrownValue, mapping: UserSourceMapping | undefined): UserLocation | undefined {
  if (!mapping) return undefined;
  const toUser = (line: number, column?: number): UserLocation | undefined => {
    const userLine = line - mapping.lineOffset;
    if (userLine < 1 || userLine > mapping.lineCount) return undefined;
    return column === undefined ? { line: userLine } : { line: userLine, column };
  };
  const escaped = mapping.filename.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const frame = new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`, "g");
  for (const match of (thrown.stack ?? "").matchAll(frame)) {
    const location = toUser(Number(match[1]), match[2] === undefined ? undefined : Number(match[2]));
    if (location) return location;
  }
  if (thrown.lineNumber !== undefined) return toUser(thrown.lineNumber);
  return undefined;
}

/** Which host-only name (if any) the failure is about. */
export function forbiddenName(thrown: ThrownValue, mapping: UserSourceMapping | undefined, location: UserLocation | undefined): string | undefined {
  if (thrown.name === "ReferenceError") {
    const match = /^'?([\w$]+)'? is not defined$/.exec(thrown.message);
    if (match && HOST_ONLY_NAMES.has(match[1])) return match[1];
  }
  if (/could not load module|module .* not found|dynamic import/i.test(thrown.message)) return "import";
  if (thrown.name === "SyntaxError" && mapping && location) {
    const line = mapping.source.split("\n")[location.line - 1] ?? "";
    if (/(^|[;{}\s])import\s*(\(|[\w${*]|["'])/.test(line) || /^\s*export\s/.test(line)) return "import";
  }
  return undefined;
}

export interface ToSandboxErrorOptions {
  limits: SandboxLimits;
  /** "the Code node", "expressions": names the place in messages. */
  label: string;
  mapping?: UserSourceMapping;
  node?: string;
  itemIndex?: number;
  logs?: unknown[];
}

export function toSandboxError(failure: VmFailure, options: ToSandboxErrorOptions): SandboxError {
  const { limits, label } = options;
  const thrown = failure.thrown;
  const location = locateInUserSource(thrown, options.mapping);
  const fields: ConstructorParameters<typeof SandboxError>[2] = {};
  if (options.node !== undefined) fields.node = options.node;
  if (location) {
    fields.line = location.line;
    if (location.column !== undefined) fields.column = location.column;
  }
  if (options.itemIndex !== undefined) fields.itemIndex = options.itemIndex;
  if (options.logs && options.logs.length > 0) fields.logs = options.logs;
  const at = location ? ` [line ${location.line}${options.itemIndex === undefined ? "" : `, item ${options.itemIndex}`}]` : options.itemIndex === undefined ? "" : ` [item ${options.itemIndex}]`;
  const make = (code: SandboxErrorCode, message: string) => new SandboxError(code, message, fields, { cause: failure });

  switch (failure.kind) {
    case "timeout":
      return make("code_timeout", `stopped after ${limits.timeoutMs} ms: the code ran longer than the time limit`);
    case "memory":
      return make(
        "code_memory",
        `stopped: the code needed more memory than its limit of ${formatBytes(limits.memoryLimitBytes)}${at}`,
      );
    case "stack":
      return make(
        "code_memory",
        `stopped: stack overflow — calls or data nested deeper than the sandbox's ${formatBytes(limits.stackLimitBytes)} stack allows${at}`,
      );
    case "crashed":
      return make(
        "code_memory",
        "stopped: the code exhausted the host's stack inside the sandbox (nesting too deep); the sandbox was reset",
      );
    case "threw": {
      const name = forbiddenName(thrown, options.mapping, location);
      if (name !== undefined) {
        return make(
          "code_forbidden",
          `${name} is not available in ${label}: user code runs in a sandbox without access to the host${at}`,
        );
      }
      const message = normalizeVmMessage(thrown.message);
      const prefix = thrown.isError && thrown.name ? `${thrown.name}: ` : "";
      return make("code_threw", `${prefix}${message}${at}`);
    }
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
