/**
 * Typed errors. One class per concept, each with a stable `code` and structured fields; the cause is always kept.
 * `isInstance` checks the marker rather than `instanceof`, so errors stay recognisable across bundles and sandboxes.
 */
const MARKER = Symbol.for("hetumind.error");

export interface ErrorFields {
  node?: string;
  parameter?: string;
  workspaceId?: string;
  executionId?: string;
  [key: string]: unknown;
}

export class HetumindError extends Error {
  readonly [MARKER] = true;
  readonly code: string;
  readonly fields: ErrorFields;

  constructor(code: string, message: string, fields: ErrorFields = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.fields = fields;
  }

  static isInstance(value: unknown): value is HetumindError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }

  toJSON(): { name: string; code: string; message: string; fields: ErrorFields } {
    return { name: this.name, code: this.code, message: this.message, fields: this.fields };
  }
}

export interface ValidationProblem {
  /** The node the problem is about, when there is one. */
  node?: string;
  /** JSON path into the workflow document, e.g. `nodes[2].parameters.url`. */
  path: string;
  message: string;
  code: string;
}

export class WorkflowValidationError extends HetumindError {
  readonly problems: ValidationProblem[];
  constructor(problems: ValidationProblem[]) {
    super(
      "workflow_invalid",
      `The workflow is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((problem) => `  - ${formatProblem(problem)}`).join("\n"),
      {},
    );
    this.problems = problems;
  }
}

export function formatProblem(problem: ValidationProblem): string {
  const where = problem.node ? `node "${problem.node}" at ${problem.path}` : problem.path;
  return `${where}: ${problem.message}`;
}

/** The workflow file is not JSON. */
export class WorkflowParseError extends HetumindError {
  constructor(message: string, readonly line: number, readonly column: number, options?: { cause?: unknown }) {
    super("workflow_parse", `Invalid JSON at line ${line}, column ${column}: ${message}`, { line, column }, options);
  }
}

export class ExpressionError extends HetumindError {
  constructor(
    message: string,
    fields: {
      node?: string;
      parameter?: string;
      expression: string;
      /** What stopped it: "threw", "timeout", "memory", "forbidden", "syntax", "invalid_result", "unavailable". */
      reason?: string;
      itemIndex?: number;
    },
    options?: { cause?: unknown },
  ) {
    super(
      "expression_failed",
      `Expression failed${fields.node ? ` in node "${fields.node}"` : ""}${fields.parameter ? `, parameter "${fields.parameter}"` : ""}: ` +
        `${message} — in {{ ${fields.expression} }}`,
      fields,
      options,
    );
  }
}

/** A node failed while running. `fields.node` names it. */
export class NodeExecutionError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { node: string }, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? "node_failed", message, fields, options);
  }
}

export type SandboxErrorCode =
  | "code_threw"
  | "code_timeout"
  | "code_memory"
  | "code_forbidden"
  | "code_invalid_result"
  /** The sandbox itself cannot run code right now (not loaded yet, or reloading after a crash). */
  | "sandbox_unavailable";

/**
 * User code failed in the sandbox: threw, ran out of time or memory, or reached for what it may not.
 * `fields.line` / `fields.column` point into the user's own source (1-based); `fields.logs` holds what the code printed
 * with console.* before it failed.
 */
export class SandboxError extends HetumindError {
  declare readonly code: SandboxErrorCode;
  constructor(
    code: SandboxErrorCode,
    message: string,
    fields: ErrorFields & { line?: number; column?: number; itemIndex?: number; logs?: unknown[] } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, fields, options);
  }
}

/** The guarded fetch refused a destination. */
export class NetworkPolicyError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { url: string; address?: string }) {
    super("network_refused", message, fields);
  }
}

export class ExecutionStateError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { executionId: string; status?: string }) {
    super("execution_state", message, fields);
  }
}

export class NotFoundError extends HetumindError {
  constructor(what: string, id: string, fields: ErrorFields = {}) {
    super("not_found", `${what} ${id} was not found`, { ...fields, id });
  }
}

/** The embedded database is held by another process. */
export class DataDirLockedError extends HetumindError {
  constructor(dataDir: string, holderPid: number) {
    super(
      "data_dir_locked",
      `The data directory ${dataDir} is in use by process ${holderPid}. PGlite is single-process: stop that process ` +
        `(or point HETUMIND_DATA_DIR elsewhere, or set DATABASE_URL to a Postgres server) and try again.`,
      { dataDir, holderPid },
    );
  }
}

export class ExecutionTimeoutError extends HetumindError {
  constructor(executionId: string, seconds: number) {
    super("execution_timeout", `The execution exceeded its timeout of ${seconds} s`, { executionId, seconds });
  }
}

export class ExecutionCancelledError extends HetumindError {
  constructor(executionId: string) {
    super("execution_cancelled", `The execution was cancelled`, { executionId });
  }
}

/** An outbound HTTP request (guarded fetch) ran past its time budget: connect, redirects and body together. */
export class HttpTimeoutError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { url: string; timeoutMs: number }) {
    super("http_timeout", message, fields);
  }
}

/** An outbound HTTP response body (after decompression) was larger than the cap. */
export class HttpResponseTooLargeError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { url: string; maxBytes: number }) {
    super("http_response_too_large", message, fields);
  }
}

/** An outbound HTTP request was redirected more times than allowed. */
export class HttpTooManyRedirectsError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { url: string; maxRedirects: number }) {
    super("http_too_many_redirects", message, fields);
  }
}

/** An environment variable has a value that cannot be used. `fields.variable` names it. */
export class EnvironmentVariableError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { variable: string }, options?: { cause?: unknown }) {
    super("env_invalid", message, fields, options);
  }
}
