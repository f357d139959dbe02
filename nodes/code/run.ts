/**
 * The Code node's run: user JavaScript over the input items, in a fresh QuickJS sandbox.
 *
 * - "runOnceForAllItems": the code runs once and sees `items` / `$input.all()`; it returns an array of items
 *   (`{ json }` objects or plain objects, which are wrapped) or one object.
 * - "runOnceForEachItem": the code runs once per item (one VM for the whole run, the loop runs inside the VM) and sees
 *   `$json`, `$input.item`, `$itemIndex`; it returns one object (or `{ json }`) per item.
 * Both see `$('Node')`, `$node`, `$execution`, `$workflow`, `$now`, `$today`, `$items` and `console` (captured).
 */
import { SandboxError } from "@/lib/errors";
import { mayDefineToJson, mayUseConsole, runInSandbox, type ConsoleEntry, type SandboxSession } from "@/lib/sandbox/session";
import { isJsonObject, type BinaryData, type Item, type JsonValue, type PairedItem } from "@/lib/workflow/items";
import {
  DATETIME_SOURCE,
  NEEDS,
  WORKFLOW_PROXY_SOURCE,
  itemView,
  needsOf,
  workflowDataOp,
  type ExpressionData,
} from "@/lib/workflow/expressions/workflow-data";

export type CodeMode = "runOnceForAllItems" | "runOnceForEachItem";

export interface CodeRunInput {
  code: string;
  mode: CodeMode;
  items: Item[];
  timeoutMs: number;
  memoryLimitBytes: number;
  node: string;
  /** Where `$('Node')`, `$execution`, `$workflow` and `$now` come from. */
  data: Pick<ExpressionData, "nodeOutput" | "hasNode" | "executionId" | "workflow" | "now">;
}

export interface CodeRunResult {
  items: Item[];
  logs: ConsoleEntry[];
}

const ALL_ITEMS_PARAMETERS = ["items", "$input", "$", "$node", "$execution", "$workflow", "$now", "$today", "$items"];
const EACH_ITEM_PARAMETERS = ["items", "$input", "$json", "$itemIndex", "$", "$node", "$execution", "$workflow", "$now", "$today", "$items"];
/** Every scope name but $json (bit 256): the Code node passes $json itself. */
const SCOPE_NEEDS = NEEDS.all & ~NEEDS.json;

const DRIVER_SOURCE = `(function (proxy, host, DateTime, needs) {
  "use strict";
  var workflow = proxy === undefined ? undefined : proxy(host, DateTime), defineProperty = Object.defineProperty;
  function scopeFor(nowMs, items, mode) {
    return workflow === undefined ? { setItemIndex: function () {} } : workflow.makeScope(0, nowMs, needs, { items: items, mode: mode });
  }
  function isThenable(value) { return value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function"; }
  function runAll(userFactory, items, nowMs) {
    ["$json", "$itemIndex"].forEach(function (name) {
      defineProperty(globalThis, name, { configurable: true, get: function () {
        throw new ReferenceError(name + " is only available in 'Run Once for Each Item' mode: use $input.first().json or loop over $input.all()");
      } });
    });
    var scope = scopeFor(nowMs, items, "all");
    return userFactory(items, scope.$input, scope.$, scope.$node, scope.$execution, scope.$workflow, scope.$now, scope.$today, scope.$items)();
  }
  function runEach(userFactory, items, nowMs, state, isAsync) {
    var scope = scopeFor(nowMs, items, "each");
    var out = new Array(items.length), index = 0;
    function call(i) {
      state.index = i;
      scope.setItemIndex(i);
      return userFactory(items, scope.$input, items[i].json, i, scope.$, scope.$node, scope.$execution, scope.$workflow, scope.$now, scope.$today, scope.$items)();
    }
    if (isAsync) {
      return (async function () { for (index = 0; index < items.length; index++) out[index] = await call(index); return out; })();
    }
    var pending = false;
    for (index = 0; index < items.length; index++) { out[index] = call(index); if (isThenable(out[index])) pending = true; }
    return pending ? Promise.all(out) : out;
  }
  return [runAll, runEach];
})`;

/** Runs the code. Throws `SandboxError` (code_threw, code_timeout, code_memory, code_forbidden, code_invalid_result). */
export function runCode(input: CodeRunInput): CodeRunResult {
  const isEach = input.mode === "runOnceForEachItem";
  let stateHandle: ReturnType<SandboxSession["json"]> | undefined;
  const expressionData: ExpressionData = { ...input.data, item: undefined, itemIndex: 0, inputItems: input.items };
  const value = runInSandbox(
    {
      timeoutMs: input.timeoutMs,
      memoryLimitBytes: input.memoryLimitBytes,
      node: input.node,
      label: "the Code node",
      console: mayUseConsole(input.code),
    },
    (session) => {
      const [runAll, runEach] = driver(session, needsOf(input.code) & SCOPE_NEEDS, expressionData);
      const items = session.json(input.items.map(itemView));
      const now = session.manage(session.vm.context.newNumber(input.data.now.getTime()));
      const userFactory = session.compileUserFunction(input.code, {
        parameters: isEach ? EACH_ITEM_PARAMETERS : ALL_ITEMS_PARAMETERS,
        filename: "code.js",
      });
      let result;
      if (isEach) {
        stateHandle = session.json({ index: -1 });
        const isAsync = /\bawait\b/.test(input.code) ? session.vm.context.true : session.vm.context.false;
        result = session.settle(session.call(runEach, undefined, userFactory, items, now, stateHandle, isAsync));
      } else {
        result = session.settle(session.call(runAll, undefined, userFactory, items, now));
      }
      return { value: session.toJson(result, { viaText: mayDefineToJson(input.code) }), logs: session.consoleOutput() };
    },
    {
      onFailure: (session) => {
        if (!stateHandle?.alive) return;
        const index = session.vm.context.getProp(stateHandle, "index");
        const number = session.vm.context.typeof(index) === "number" ? session.vm.context.getNumber(index) : -1;
        index.dispose();
        return number >= 0 ? { itemIndex: number } : undefined;
      },
    },
  );
  const items = isEach ? eachItemOutput(value.value, input) : allItemsOutput(value.value, input);
  return { items, logs: value.logs };
}

/** The trusted loop around the user's function; the workflow proxy and DateTime are only built when the code uses them. */
function driver(session: SandboxSession, needs: number, data: ExpressionData) {
  const context = session.vm.context;
  const factory = session.evaluateTrusted(DRIVER_SOURCE, "hetumind-code-driver.js");
  let proxy = context.undefined;
  let host = context.undefined;
  let dateTime = context.undefined;
  if (needs !== 0) {
    proxy = session.evaluateTrusted(WORKFLOW_PROXY_SOURCE, "hetumind-workflow-data.js");
    host = session.hostFunction("host", (op, name, index) => workflowDataOp(data, String(op), name, index));
    if (needs & (NEEDS.now | NEEDS.today)) dateTime = session.evaluateTrusted(DATETIME_SOURCE, "hetumind-datetime.js");
  }
  const needsHandle = session.manage(context.newNumber(needs));
  const pair = session.call(factory, undefined, proxy, host, dateTime, needsHandle);
  return [session.manage(context.getProp(pair, 0)), session.manage(context.getProp(pair, 1))] as const;
}

function invalid(message: string, input: CodeRunInput, itemIndex?: number): SandboxError {
  const fields: ConstructorParameters<typeof SandboxError>[2] = { node: input.node };
  if (itemIndex !== undefined) fields.itemIndex = itemIndex;
  return new SandboxError("code_invalid_result", message, fields);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function allItemsOutput(value: JsonValue | undefined, input: CodeRunInput): Item[] {
  if (value === undefined || value === null) {
    throw invalid(
      "the code returned nothing: return an array of items, e.g. `return $input.all()` or `return [{ json: { total: 1 } }]`",
      input,
    );
  }
  const list = Array.isArray(value) ? value : [value];
  // Without a pairedItem of their own, outputs pair with the only input item, or by position when the counts match.
  const pairing = input.items.length === 1 ? "first" : list.length === input.items.length ? "position" : "none";
  const items = new Array<Item>(list.length);
  for (let index = 0; index < list.length; index++) {
    const fallback = pairing === "first" ? 0 : pairing === "position" ? index : undefined;
    items[index] = toItem(list[index], input, index, `item ${index} of the returned array`, fallback);
  }
  return items;
}

function eachItemOutput(value: JsonValue | undefined, input: CodeRunInput): Item[] {
  const list = Array.isArray(value) ? value : [];
  return list.map((entry, index) => {
    if (entry === null || entry === undefined) {
      throw invalid(
        `the code returned nothing for item ${index}: in 'Run Once for Each Item' mode return one object, e.g. \`return $input.item\``,
        input,
        index,
      );
    }
    if (Array.isArray(entry)) {
      throw invalid(`the code returned an array for item ${index}: in 'Run Once for Each Item' mode return one object`, input, index);
    }
    return toItem(entry, input, index, `the value returned for item ${index}`, index);
  });
}

/**
 * `{ json, binary?, pairedItem? }` as it is, a plain object wrapped as `{ json }`; anything else is refused.
 * `pairWith` is the input item the output pairs with when the code did not say.
 */
function toItem(entry: JsonValue, input: CodeRunInput, index: number, what: string, pairWith: number | undefined): Item {
  if (!isJsonObject(entry)) {
    throw invalid(`${what} is ${describe(entry)}: return objects, either { json: { ... } } or plain objects`, input, index);
  }
  if (!("json" in entry)) return pairWith === undefined ? { json: entry } : { json: entry, pairedItem: { item: pairWith } };
  if (!isJsonObject(entry.json)) {
    throw invalid(`${what} has a "json" that is ${describe(entry.json)}: it must be an object`, input, index);
  }
  const item: Item = { json: entry.json };
  if (entry.binary !== undefined) item.binary = toBinary(entry.binary, input, index, what);
  const paired = toPairedItem(entry.pairedItem) ?? (pairWith === undefined ? undefined : { item: pairWith });
  if (paired) item.pairedItem = paired;
  return item;
}

function toBinary(value: JsonValue, input: CodeRunInput, index: number, what: string): Record<string, BinaryData> {
  if (!isJsonObject(value)) throw invalid(`${what} has a "binary" that is ${describe(value)}: it must map names to { mimeType, data }`, input, index);
  const binary: Record<string, BinaryData> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (!isJsonObject(entry) || typeof entry.mimeType !== "string" || typeof entry.data !== "string") {
      throw invalid(`${what} has binary "${name}" without a string mimeType and base64 data`, input, index);
    }
    binary[name] = { mimeType: entry.mimeType, data: entry.data, ...(typeof entry.fileName === "string" ? { fileName: entry.fileName } : {}) };
  }
  return binary;
}

function toPairedItem(value: JsonValue | undefined): PairedItem | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return { item: value };
  if (isJsonObject(value) && typeof value.item === "number") {
    const paired: PairedItem = { item: value.item };
    if (typeof value.input === "number") paired.input = value.input;
    return paired;
  }
  return undefined;
}
