/**
 * The data expressions and Code nodes read — `$json`, `$input`, `$('Node')`, `$node["Node"]`, `$execution`,
 * `$workflow`, `$now`, `$today`, `$itemIndex` — on the host side (what the engine provides, and the lookups with their
 * error messages) and inside the VM (WORKFLOW_PROXY_SOURCE builds the same names from one host function).
 *
 * Pairing rule: `$('X').item` (and `$node["X"].json`) is the item of node X's latest main output 0 **at the same index
 * as the current item** (`$itemIndex`). It does not follow `pairedItem` chains; when X produced fewer items the
 * expression fails and says so (use `.first()`, `.last()`, `.all()[i]`).
 */
import type { Item, JsonObject, JsonValue } from "@/lib/workflow/items";

/** What the engine hands the evaluator for one item. */
export interface ExpressionData {
  /** The current item (`$json` is its json); undefined when the node has no input. */
  item: Item | undefined;
  /** Index of the current item in `inputItems` (`$itemIndex`). */
  itemIndex: number;
  /** All items on the node's main input 0 (`$input.all()`). */
  inputItems: Item[];
  /** Latest main output 0 of another node of this execution; undefined when it does not exist or has not run. */
  nodeOutput(name: string): Item[] | undefined;
  /** Optional: whether a node of that name exists in the workflow (sharpens "not found" vs "has not run"). */
  hasNode?(name: string): boolean;
  executionId: string;
  workflow: { id?: string; name: string };
  /** `$now`; `$today` is its UTC midnight. */
  now: Date;
}

/** An item as expressions and code see it: its json and binary, nothing else. */
export function itemView(item: Item): JsonObject {
  return item.binary ? { json: item.json, binary: item.binary as unknown as JsonValue } : { json: item.json };
}

export class WorkflowDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Error";
  }
}

export function nodeItems(data: ExpressionData, name: string): Item[] {
  const items = data.nodeOutput(name);
  if (items) return items;
  if (data.hasNode) {
    throw new WorkflowDataError(
      data.hasNode(name)
        ? `Node "${name}" has not run yet in this execution, so $('${name}') has no data`
        : `Node "${name}" does not exist in this workflow`,
    );
  }
  throw new WorkflowDataError(`Node "${name}" does not exist or has not run yet in this execution`);
}

/** The item of node `name` paired with the current item (same index). */
export function pairedNodeItem(data: ExpressionData, name: string, index: number): Item {
  const items = nodeItems(data, name);
  const item = items[index];
  if (item) return item;
  throw new WorkflowDataError(
    `$('${name}').item: node "${name}" has no item at index ${index} (it output ${items.length} item${items.length === 1 ? "" : "s"}); ` +
      `.item pairs items by position — use .first(), .last() or .all()[i]`,
  );
}

function pick(items: Item[], what: "first" | "last"): JsonObject | null {
  const item = what === "first" ? items[0] : items[items.length - 1];
  return item ? itemView(item) : null;
}

/**
 * The one host function behind the VM proxy. `op` is `input.<what>` or `node.<what>` with what in all/first/last/item;
 * `execution` and `workflow` return those objects.
 */
export function workflowDataOp(data: ExpressionData, op: string, name: unknown, index: unknown): JsonValue {
  switch (op) {
    case "execution":
      return { id: data.executionId };
    case "workflow":
      return data.workflow.id === undefined ? { name: data.workflow.name } : { id: data.workflow.id, name: data.workflow.name };
    case "input.all":
      return data.inputItems.map(itemView);
    case "input.first":
    case "input.last":
      return pick(data.inputItems, op === "input.first" ? "first" : "last");
    case "input.item": {
      const item = data.inputItems[Number(index)];
      return item ? itemView(item) : null;
    }
  }
  if (typeof name !== "string") throw new WorkflowDataError("$() expects a node name (a string)");
  switch (op) {
    case "node.all":
      return nodeItems(data, name).map(itemView);
    case "node.first":
    case "node.last":
      return pick(nodeItems(data, name), op === "node.first" ? "first" : "last");
    case "node.item":
      return itemView(pairedNodeItem(data, name, Number(index)));
    default:
      throw new WorkflowDataError(`unknown data request ${op}`);
  }
}

/** Bits telling the VM which names an expression uses, so that the others are not built. */
export const NEEDS = {
  input: 1,
  node: 2,
  legacyNode: 4,
  execution: 8,
  workflow: 16,
  now: 32,
  today: 64,
  items: 128,
  json: 256,
  all: 511,
} as const;

export function needsOf(source: string): number {
  if (/\beval\b|\bFunction\b|constructor|\bthis\b|globalThis/.test(source)) return NEEDS.all;
  let needs = 0;
  if (source.includes("$input")) needs |= NEEDS.input;
  if (/\$\s*\(/.test(source)) needs |= NEEDS.node;
  if (source.includes("$node")) needs |= NEEDS.legacyNode;
  if (source.includes("$execution")) needs |= NEEDS.execution;
  if (source.includes("$workflow")) needs |= NEEDS.workflow;
  if (source.includes("$now")) needs |= NEEDS.now;
  if (source.includes("$today")) needs |= NEEDS.today;
  if (source.includes("$items")) needs |= NEEDS.items;
  if (source.includes("$json")) needs |= NEEDS.json;
  return needs;
}

/** Parameter names of compiled expressions and Code node functions, in the order the VM passes them. */
export const SCOPE_NAMES = ["$json", "$input", "$", "$node", "$execution", "$workflow", "$now", "$today", "$itemIndex", "$items"] as const;

/**
 * Evaluated once per VM context, then called with `(host, DateTime)` (DateTime from DATETIME_SOURCE, or undefined when
 * nothing uses $now/$today); returns `{ makeScope, deepFreeze }`.
 * `host(op, name, index)` is workflowDataOp behind a VM function. `makeScope(itemIndex, nowMs, needs, preset)` returns
 * the values of SCOPE_NAMES (minus $json) for one item; `preset.items` (the Code node) serves $input from an array
 * already in the VM; `scope.setItemIndex(i)` moves every `.item` to another item.
 */
export const WORKFLOW_PROXY_SOURCE = String.raw`(function (host, DateTime) {
  "use strict";
  var ObjectFreeze = Object.freeze, isFrozen = Object.isFrozen, ownKeys = Reflect.ownKeys;
  function deepFreeze(value) {
    if (value === null || typeof value !== "object" || isFrozen(value)) return value;
    ObjectFreeze(value);
    var keys = ownKeys(value);
    for (var index = 0; index < keys.length; index++) deepFreeze(value[keys[index]]);
    return value;
  }
  function makeScope(itemIndex, nowMs, needs, preset) {
    var current = itemIndex, cache = Object.create(null), presetItems = preset ? preset.items : undefined;
    function fetch(op, name, index) {
      var key = op + "\u0000" + (name === undefined ? "" : name) + "\u0000" + (index === undefined ? "" : index);
      if (key in cache) return cache[key];
      return (cache[key] = host(op, name, index));
    }
    function accessor(name) {
      var input = name === undefined, prefix = input ? "input." : "node.";
      return {
        all: function () { return input && presetItems ? presetItems : fetch(prefix + "all", name); },
        first: function () { if (input && presetItems) { var first = presetItems[0]; return first === undefined ? null : first; } return fetch(prefix + "first", name); },
        last: function () { if (input && presetItems) { var last = presetItems[presetItems.length - 1]; return last === undefined ? null : last; } return fetch(prefix + "last", name); },
        itemMatching: function (index) { return input && presetItems ? (presetItems[index] === undefined ? null : presetItems[index]) : fetch(prefix + "item", name, index); },
        get item() {
          if (preset && preset.mode === "all" && input) throw new Error("$input.item is only available in 'Run Once for Each Item' mode: use $input.first() or loop over $input.all()");
          return input && presetItems ? (presetItems[current] === undefined ? null : presetItems[current]) : fetch(prefix + "item", name, current);
        },
        get isExecuted() { if (input) return true; try { fetch("node.all", name); return true; } catch (error) { return false; } },
      };
    }
    var scope = { setItemIndex: function (index) { current = index; } };
    if (needs & 1) scope.$input = accessor(undefined);
    if (needs & 2) scope.$ = function (name) {
      if (typeof name !== "string") throw new TypeError("$() expects a node name (a string)");
      return accessor(name);
    };
    if (needs & 4) scope.$node = new Proxy({}, {
      get: function (target, name) {
        if (typeof name !== "string") return undefined;
        return {
          get json() { return fetch("node.item", name, current).json; },
          get binary() { return fetch("node.item", name, current).binary; },
          get isExecuted() { try { fetch("node.all", name); return true; } catch (error) { return false; } },
        };
      },
    });
    if (needs & 8) scope.$execution = fetch("execution");
    if (needs & 16) scope.$workflow = fetch("workflow");
    if (needs & 32) scope.$now = new DateTime(nowMs);
    if (needs & 64) scope.$today = new DateTime(nowMs).startOf("day");
    if (needs & 128) scope.$items = function (name) { return name === undefined ? accessor(undefined).all() : accessor(String(name)).all(); };
    return scope;
  }
  return { makeScope: makeScope, deepFreeze: deepFreeze };
})`;

/**
 * Evaluates to the DateTime class behind `$now` / `$today`: a Date (so it serialises as an ISO string) with a
 * small Luxon-like surface, in UTC: toISO(), toMillis(), toSeconds(), plus({ days: 1 }), minus(...), startOf("day"),
 * toFormat("yyyy-MM-dd HH:mm:ss"), and year/month/day/hour/minute/second/weekday getters.
 */
export const DATETIME_SOURCE = String.raw`(function () {
  "use strict";
  var DateBase = Date;
  var MS = { millisecond: 1, second: 1000, minute: 60000, hour: 3600000, day: 86400000, week: 604800000 };
  function unitOf(key) {
    var unit = String(key).toLowerCase();
    if (unit.charAt(unit.length - 1) === "s") unit = unit.slice(0, -1);
    return unit;
  }
  function shift(date, duration, sign) {
    var result = new DateTime(date.getTime());
    if (typeof duration === "number") { result.setTime(result.getTime() + sign * duration); return result; }
    if (duration === null || typeof duration !== "object") throw new TypeError("plus/minus expect milliseconds or an object like { days: 1 }");
    var keys = Object.keys(duration);
    for (var index = 0; index < keys.length; index++) {
      var unit = unitOf(keys[index]), amount = sign * Number(duration[keys[index]]);
      if (unit === "year") result.setUTCFullYear(result.getUTCFullYear() + amount);
      else if (unit === "quarter") result.setUTCMonth(result.getUTCMonth() + 3 * amount);
      else if (unit === "month") result.setUTCMonth(result.getUTCMonth() + amount);
      else if (MS[unit] !== undefined) result.setTime(result.getTime() + amount * MS[unit]);
      else throw new TypeError("unknown duration unit: " + keys[index]);
    }
    return result;
  }
  function pad(value, width) { var text = String(value); while (text.length < width) text = "0" + text; return text; }
  class DateTime extends DateBase {
    toISO() { return this.toISOString(); }
    toMillis() { return this.getTime(); }
    toSeconds() { return Math.floor(this.getTime() / 1000); }
    toUnixInteger() { return Math.floor(this.getTime() / 1000); }
    plus(duration) { return shift(this, duration, 1); }
    minus(duration) { return shift(this, duration, -1); }
    get year() { return this.getUTCFullYear(); }
    get month() { return this.getUTCMonth() + 1; }
    get day() { return this.getUTCDate(); }
    get hour() { return this.getUTCHours(); }
    get minute() { return this.getUTCMinutes(); }
    get second() { return this.getUTCSeconds(); }
    get millisecond() { return this.getUTCMilliseconds(); }
    get weekday() { var day = this.getUTCDay(); return day === 0 ? 7 : day; }
    startOf(unit) {
      var result = new DateTime(this.getTime()), name = unitOf(unit);
      if (name === "year") { result.setUTCMonth(0, 1); result.setUTCHours(0, 0, 0, 0); }
      else if (name === "month") { result.setUTCDate(1); result.setUTCHours(0, 0, 0, 0); }
      else if (name === "week") { result.setUTCDate(result.getUTCDate() - (result.weekday - 1)); result.setUTCHours(0, 0, 0, 0); }
      else if (name === "day") result.setUTCHours(0, 0, 0, 0);
      else if (name === "hour") result.setUTCMinutes(0, 0, 0);
      else if (name === "minute") result.setUTCSeconds(0, 0);
      else if (name === "second") result.setUTCMilliseconds(0);
      else throw new TypeError("unknown unit: " + unit);
      return result;
    }
    toFormat(pattern) {
      var self = this;
      var tokens = { yyyy: function () { return pad(self.year, 4); }, yy: function () { return pad(self.year % 100, 2); },
        MM: function () { return pad(self.month, 2); }, M: function () { return String(self.month); },
        dd: function () { return pad(self.day, 2); }, d: function () { return String(self.day); },
        HH: function () { return pad(self.hour, 2); }, H: function () { return String(self.hour); },
        mm: function () { return pad(self.minute, 2); }, m: function () { return String(self.minute); },
        ss: function () { return pad(self.second, 2); }, s: function () { return String(self.second); },
        SSS: function () { return pad(self.millisecond, 3); } };
      return String(pattern).replace(/'([^']*)'|yyyy|yy|MM|M|dd|d|HH|H|mm|m|ss|s|SSS/g, function (match, quoted) {
        return quoted !== undefined ? quoted : tokens[match]();
      });
    }
  }
  return DateTime;
})()`;
