/**
 * Plain data paths evaluated in the host, without the VM: `$json.a.b`, `$json["x"]`, `$json.list[0]`, `$json?.a`,
 * `$input.item.json.x`, `$('Node').item.json.x`, `$node["Node"].json.x`, `$execution.id`, `$workflow.name`,
 * `$itemIndex`, `$now`, `$today`.
 *
 * Same result and same error message as the VM path (a test holds them equal). Only own properties of JSON data are
 * read; anything else (a method, `.length` of a string, a key inherited from Object.prototype) returns NOT_PLAIN and
 * the VM evaluates the expression.
 */
import { cloneJson } from "@/lib/sandbox/binary-json";
import type { JsonValue } from "@/lib/workflow/items";
import { itemView, pairedNodeItem, type ExpressionData } from "./workflow-data";

/** `bracket`: written `[...]` (QuickJS then does not name the key in its TypeError, and neither do we). */
type Step = { key: string | number; optional: boolean; bracket: boolean };
type Root =
  | { kind: "json" }
  | { kind: "inputItem" }
  | { kind: "nodeItem"; name: string }
  | { kind: "legacyNode"; name: string }
  | { kind: "execution" }
  | { kind: "workflow" }
  | { kind: "itemIndex" }
  | { kind: "now" }
  | { kind: "today" };

export interface PlainPath {
  root: Root;
  steps: Step[];
}

export const NOT_PLAIN = Symbol("not a plain path");

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;
const cache = new Map<string, PlainPath | null>();
const CACHE_LIMIT = 10_000;

/** Parses a plain path; `undefined` when the expression is anything else. Cached. */
export function parsePlainPath(source: string): PlainPath | undefined {
  const cached = cache.get(source);
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parseUncached(source.trim());
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, parsed ?? null);
  return parsed;
}

class Cursor {
  constructor(
    readonly text: string,
    public position = 0,
  ) {}
  skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position])) this.position += 1;
  }
  eat(token: string): boolean {
    this.skipSpace();
    if (this.text.startsWith(token, this.position)) {
      this.position += token.length;
      return true;
    }
    return false;
  }
  identifier(): string | undefined {
    this.skipSpace();
    const match = IDENTIFIER.exec(this.text.slice(this.position));
    if (!match) return undefined;
    this.position += match[0].length;
    return match[0];
  }
  /** A string literal without escapes, or an integer literal. */
  literal(): string | number | undefined {
    this.skipSpace();
    const rest = this.text.slice(this.position);
    const string = /^(["'])([^"'\\\n]*)\1/.exec(rest);
    if (string) {
      this.position += string[0].length;
      return string[2];
    }
    const integer = /^(0|[1-9]\d{0,8})(?![\w.$])/.exec(rest);
    if (integer) {
      this.position += integer[0].length;
      return Number(integer[1]);
    }
    return undefined;
  }
  get done(): boolean {
    this.skipSpace();
    return this.position >= this.text.length;
  }
}

function parseUncached(source: string): PlainPath | undefined {
  const cursor = new Cursor(source);
  let root: Root;
  if (cursor.eat("$(")) {
    const name = cursor.literal();
    if (typeof name !== "string" || !cursor.eat(")") || !cursor.eat(".") || cursor.identifier() !== "item") return undefined;
    root = { kind: "nodeItem", name };
  } else {
    const name = cursor.identifier();
    switch (name) {
      case "$json":
        root = { kind: "json" };
        break;
      case "$input":
        if (!cursor.eat(".") || cursor.identifier() !== "item") return undefined;
        root = { kind: "inputItem" };
        break;
      case "$node": {
        let nodeName: string | number | undefined;
        if (cursor.eat("[")) {
          nodeName = cursor.literal();
          if (!cursor.eat("]")) return undefined;
        } else if (cursor.eat(".")) {
          nodeName = cursor.identifier();
        }
        if (typeof nodeName !== "string") return undefined;
        root = { kind: "legacyNode", name: nodeName };
        break;
      }
      case "$execution":
        root = { kind: "execution" };
        break;
      case "$workflow":
        root = { kind: "workflow" };
        break;
      case "$itemIndex":
        root = { kind: "itemIndex" };
        break;
      case "$now":
        root = { kind: "now" };
        break;
      case "$today":
        root = { kind: "today" };
        break;
      default:
        return undefined;
    }
  }
  const steps: Step[] = [];
  while (!cursor.done) {
    const optional = cursor.eat("?.");
    if (optional) {
      if (cursor.eat("[")) {
        const key = cursor.literal();
        if (key === undefined || !cursor.eat("]")) return undefined;
        steps.push({ key, optional, bracket: true });
        continue;
      }
      const key = cursor.identifier();
      if (key === undefined) return undefined;
      steps.push({ key, optional, bracket: false });
    } else if (cursor.eat(".")) {
      const key = cursor.identifier();
      if (key === undefined) return undefined;
      steps.push({ key, optional: false, bracket: false });
    } else if (cursor.eat("[")) {
      const key = cursor.literal();
      if (key === undefined || !cursor.eat("]")) return undefined;
      steps.push({ key, optional: false, bracket: true });
    } else {
      return undefined;
    }
  }
  if ((root.kind === "now" || root.kind === "today" || root.kind === "itemIndex") && steps.length > 0) return undefined;
  if (root.kind === "legacyNode" && (steps.length === 0 || (steps[0].key !== "json" && steps[0].key !== "binary"))) return undefined;
  return { root, steps };
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/**
 * Evaluates a plain path against the data. Returns NOT_PLAIN when a step needs real JavaScript semantics; throws
 * (with the VM's wording) where the VM would throw.
 */
export function evaluatePlainPath(path: PlainPath, data: ExpressionData): JsonValue | undefined | typeof NOT_PLAIN {
  let value: unknown;
  let steps = path.steps;
  switch (path.root.kind) {
    case "json":
      value = data.item?.json;
      break;
    case "inputItem":
      value = data.item ? itemView(data.item) : null;
      break;
    case "nodeItem":
      value = itemView(pairedNodeItem(data, path.root.name, data.itemIndex));
      break;
    case "legacyNode": {
      const item = itemView(pairedNodeItem(data, path.root.name, data.itemIndex));
      value = item[steps[0].key as string];
      steps = steps.slice(1);
      break;
    }
    case "execution":
      value = { id: data.executionId };
      break;
    case "workflow":
      value = data.workflow.id === undefined ? { name: data.workflow.name } : { id: data.workflow.id, name: data.workflow.name };
      break;
    case "itemIndex":
      return data.itemIndex;
    case "now":
      return data.now.toISOString();
    case "today":
      return startOfUtcDay(data.now).toISOString();
  }
  for (const step of steps) {
    if (value === undefined || value === null) {
      if (step.optional) return undefined;
      const base = `Cannot read properties of ${value === null ? "null" : "undefined"}`;
      throw new TypeError(step.bracket ? base : `${base} (reading '${step.key}')`);
    }
    const key = String(step.key);
    if (Array.isArray(value)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return NOT_PLAIN;
      value = value[Number(key)];
    } else if (typeof value === "object") {
      if (Object.prototype.hasOwnProperty.call(value, key)) value = (value as Record<string, unknown>)[key];
      else if (key in Object.prototype) return NOT_PLAIN;
      else value = undefined;
    } else {
      return NOT_PLAIN;
    }
  }
  if (value === undefined) return undefined;
  return cloneJson(value as JsonValue);
}
