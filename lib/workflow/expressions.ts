/**
 * n8n-style expressions in string parameters: `"{{ $json.price * 2 }}"`, `"Hello {{ $json.name }}!"`, `"={{ $now }}"`.
 *
 * - A string holding `{{ ... }}` is a template; a leading `=` (n8n exports) is dropped.
 * - A string that is exactly one `{{ expr }}` keeps the value's type (number, object, boolean, null...); otherwise the
 *   parts are joined as text (objects as JSON, null/undefined as "").
 * - Plain data paths (`$json.a.b`, `$json["x"]`, `$json.list[0]`, `$('X').item.json.y`, `$node["X"].json.y`, ...) are
 *   read in the host; everything else runs in the QuickJS sandbox (never host eval): no access to the host, 1 s and
 *   32 MB per evaluation by default.
 * - Failures are `ExpressionError`s naming the node, the parameter path (`conditions[0].leftValue`) and the expression.
 *
 * See docs/sandbox-and-expressions.md for the data available, the pairing rule and measured costs.
 */
import { ExpressionError, HetumindError, SandboxError } from "@/lib/errors";
import { formatBytes, forbiddenName, normalizeVmMessage } from "@/lib/sandbox/errors";
import { VmFailure } from "@/lib/sandbox/vm";
import type { JsonValue } from "@/lib/workflow/items";
import { EXPRESSION_LIMITS, expressionVmFor, releaseItemCaches } from "./expressions/expression-vm";
import { NOT_PLAIN, evaluatePlainPath, parsePlainPath } from "./expressions/fast-path";
import { parseTemplate, templateText, type ParsedTemplate } from "./expressions/template";
import { WorkflowDataError, type ExpressionData } from "./expressions/workflow-data";

export type { ExpressionData } from "./expressions/workflow-data";
export { parseTemplate, type ParsedTemplate, type TemplatePart } from "./expressions/template";
export { releaseExpressionVm } from "./expressions/expression-vm";

export interface ExpressionOptions {
  /** Node name, for error messages. */
  node?: string;
  /** Parameter path, for error messages (`conditions[0].leftValue`). */
  parameter?: string;
  /** Per-evaluation time limit (default 1000 ms). */
  timeoutMs?: number;
  /** false forces the VM even for plain paths (tests compare both). */
  fastPath?: boolean;
}

export interface ResolveParametersOptions {
  node?: string;
  /** Top-level parameter keys whose strings are code or raw text, never templates (the Code node's `jsCode`). */
  rawKeys?: readonly string[];
  timeoutMs?: number;
}

/** Whether a string is a template (holds `{{ ... }}`). */
export function isTemplate(value: string): boolean {
  return parseTemplate(value) !== undefined;
}

/** Whether the value, or anything inside it (arrays, objects), is a template string. */
export function hasExpression(value: unknown): boolean {
  if (typeof value === "string") return isTemplate(value);
  if (Array.isArray(value)) return value.some(hasExpression);
  if (value !== null && typeof value === "object") return Object.values(value).some(hasExpression);
  return false;
}

/**
 * Resolves every template in the parameters (deeply) for one item. Returns a new object; keys listed in `rawKeys` are
 * copied untouched. Throws `ExpressionError`.
 */
export function resolveParameters(
  parameters: Record<string, unknown>,
  data: ExpressionData,
  options: ResolveParametersOptions = {},
): Record<string, unknown> {
  const raw = new Set(options.rawKeys ?? []);
  const resolved: Record<string, unknown> = {};
  try {
    for (const [key, value] of Object.entries(parameters)) {
      const result = raw.has(key) ? value : resolveValue(value, pathOf("", key), data, options);
      assign(resolved, key, result);
    }
  } finally {
    releaseItemCaches();
  }
  return resolved;
}

function resolveValue(value: unknown, path: string, data: ExpressionData, options: ResolveParametersOptions): unknown {
  if (typeof value === "string") {
    const template = parseTemplate(value);
    return template ? renderTemplate(template, data, { node: options.node, parameter: path, timeoutMs: options.timeoutMs }) : value;
  }
  if (Array.isArray(value)) return value.map((element, index) => resolveValue(element, `${path}[${index}]`, data, options));
  if (value !== null && typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, element] of Object.entries(value)) assign(result, key, resolveValue(element, pathOf(path, key), data, options));
    return result;
  }
  return value;
}

function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function pathOf(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** Resolves one string: a template's value (typed when it is a single expression), or the string itself. */
export function resolveTemplate(value: string, data: ExpressionData, options: ExpressionOptions = {}): unknown {
  const template = parseTemplate(value);
  if (!template) return value;
  try {
    return renderTemplate(template, data, options);
  } finally {
    releaseItemCaches();
  }
}

function renderTemplate(template: ParsedTemplate, data: ExpressionData, options: ExpressionOptions): unknown {
  if (template.single) {
    const part = template.parts[0];
    return part.kind === "expression" ? evaluateSource(part.source, data, options) : part.text;
  }
  let text = "";
  for (const part of template.parts) {
    text += part.kind === "text" ? part.text : templateText(evaluateSource(part.source, data, options));
  }
  return text;
}

/**
 * Evaluates one expression — its JavaScript source (`$json.a + 1`), or a whole template (`"{{ $json.a }} items"`).
 * Returns JSON (`undefined` when the expression yields undefined or a function). Throws `ExpressionError`.
 */
export function evaluateExpression(expression: string, data: ExpressionData, options: ExpressionOptions = {}): JsonValue | undefined {
  if (parseTemplate(expression)) return resolveTemplate(expression, data, options) as JsonValue | undefined;
  try {
    return evaluateSource(expression.trim(), data, options);
  } finally {
    releaseItemCaches();
  }
}

function evaluateSource(source: string, data: ExpressionData, options: ExpressionOptions): JsonValue | undefined {
  if (source === "") return undefined;
  try {
    if (options.fastPath !== false) {
      const path = parsePlainPath(source);
      if (path) {
        const value = evaluatePlainPath(path, data);
        if (value !== NOT_PLAIN) return value;
      }
    }
    const timeoutMs = options.timeoutMs ?? EXPRESSION_LIMITS.timeoutMs;
    return expressionVmFor(data.executionId).evaluate(source, data, timeoutMs);
  } catch (error) {
    throw toExpressionError(error, source, data, options);
  }
}

function toExpressionError(error: unknown, expression: string, data: ExpressionData, options: ExpressionOptions): unknown {
  const fields = { node: options.node, parameter: options.parameter, expression, itemIndex: data.itemIndex };
  const make = (message: string, reason: string) => new ExpressionError(message, { ...fields, reason }, { cause: error });
  if (error instanceof VmFailure) {
    const timeoutMs = options.timeoutMs ?? EXPRESSION_LIMITS.timeoutMs;
    switch (error.kind) {
      case "timeout":
        return make(`stopped after ${timeoutMs} ms: the expression ran longer than the time limit`, "timeout");
      case "memory":
        return make(`stopped: the expression needed more memory than its limit of ${formatBytes(EXPRESSION_LIMITS.memoryLimitBytes)}`, "memory");
      case "stack":
        return make(`stopped: stack overflow — calls or data nested deeper than the sandbox's ${formatBytes(EXPRESSION_LIMITS.stackLimitBytes)} stack allows`, "memory");
      case "crashed":
        return make("stopped: the expression exhausted the host's stack inside the sandbox; the sandbox was reset", "memory");
      case "threw": {
        const name = forbiddenName(error.thrown, undefined, undefined);
        if (name !== undefined) {
          return make(`${name} is not available in expressions: expressions run in a sandbox without access to the host`, "forbidden");
        }
        if (error.thrown.name === "SyntaxError") return make(`invalid JavaScript: ${error.thrown.message}`, "syntax");
        const message = normalizeVmMessage(error.thrown.message);
        const prefixed = error.thrown.isError && error.thrown.name && !["TypeError", "ReferenceError", "Error"].includes(error.thrown.name);
        return make(prefixed ? `${error.thrown.name}: ${message}` : message, "threw");
      }
    }
  }
  if (error instanceof SandboxError) return make(error.message, error.code === "sandbox_unavailable" ? "unavailable" : "threw");
  if (error instanceof TypeError || error instanceof WorkflowDataError) return make(error.message, "threw");
  if (HetumindError.isInstance(error)) return error;
  return make(error instanceof Error ? error.message : String(error), "threw");
}
