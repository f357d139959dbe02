/**
 * The QuickJS side of expressions: one VM per execution (so nothing one execution's expressions leave behind is seen by
 * another's), a few kept at once; each compiles an expression once into a function and calls it per item.
 */
import type { QuickJSHandle } from "quickjs-emscripten-core";
import { currentGeneration } from "@/lib/sandbox/module";
import { SandboxVm, VmFailure, type SandboxLimits } from "@/lib/sandbox/vm";
import type { Item, JsonValue } from "@/lib/workflow/items";
import { DATETIME_SOURCE, NEEDS, SCOPE_NAMES, WORKFLOW_PROXY_SOURCE, needsOf, workflowDataOp, type ExpressionData } from "./workflow-data";

export const EXPRESSION_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  timeoutMs: 1_000,
  memoryLimitBytes: 32 * 1024 * 1024,
  stackLimitBytes: 32 * 1024,
});

const MAX_VMS = 8;
const MAX_COMPILED = 2_000;
const HOST_ERROR_KEY = "__hetumindHostError__";

/** Called with (fn, needs, itemIndex, json, nowMs): builds the scope and calls the compiled expression. */
const INVOKE_SOURCE = `(function (proxy, host, key, DateTime) {
  "use strict";
  var has = Object.prototype.hasOwnProperty, ErrorClass = Error;
  function checkedHost(op, name, index) {
    var result = host(op, name, index);
    if (result !== null && typeof result === "object" && has.call(result, key)) throw new ErrorClass(result[key]);
    return result;
  }
  var workflow = proxy(checkedHost, DateTime);
  var deepFreeze = workflow.deepFreeze;
  return [function invoke(fn, needs, itemIndex, json, nowMs) {
    var scope = workflow.makeScope(itemIndex, nowMs, needs);
    return fn(json, scope.$input, scope.$, scope.$node, scope.$execution, scope.$workflow, scope.$now, scope.$today, itemIndex, scope.$items);
  }, deepFreeze];
})`;

class ExpressionVm {
  readonly vm: SandboxVm;
  private readonly invokeHandle: QuickJSHandle;
  private readonly deepFreezeHandle: QuickJSHandle;
  private readonly hostHandle: QuickJSHandle;
  private readonly compiled = new Map<string, QuickJSHandle>();
  /** `$input.all()` arrays already in the VM (frozen), by the host array they came from. */
  private readonly allCache = new Map<Item[], { length: number; handle: QuickJSHandle }>();
  private data: ExpressionData | undefined;
  private jsonItem: Item | undefined;
  private jsonHandle: QuickJSHandle | undefined;

  constructor() {
    this.vm = new SandboxVm(EXPRESSION_LIMITS);
    const context = this.vm.context;
    this.hostHandle = context.newFunction("host", (opHandle, nameHandle, indexHandle) => this.host(opHandle, nameHandle, indexHandle));
    const proxy = this.vm.evaluate(WORKFLOW_PROXY_SOURCE, "hetumind-workflow-data.js");
    const dateTime = this.vm.evaluate(DATETIME_SOURCE, "hetumind-datetime.js");
    const factory = this.vm.evaluate(INVOKE_SOURCE, "hetumind-expression.js");
    const key = context.newString(HOST_ERROR_KEY);
    const pair = this.vm.call(factory, undefined, proxy, this.hostHandle, key, dateTime);
    this.invokeHandle = context.getProp(pair, 0);
    this.deepFreezeHandle = context.getProp(pair, 1);
    for (const handle of [pair, key, factory, dateTime, proxy]) handle.dispose();
  }

  private host(opHandle: QuickJSHandle, nameHandle: QuickJSHandle | undefined, indexHandle: QuickJSHandle | undefined): QuickJSHandle {
    const context = this.vm.context;
    const data = this.data;
    try {
      if (!data) throw new Error("no expression is being evaluated");
      const op = context.getString(opHandle);
      const name = nameHandle && context.typeof(nameHandle) === "string" ? context.getString(nameHandle) : undefined;
      const index = indexHandle && context.typeof(indexHandle) === "number" ? context.getNumber(indexHandle) : undefined;
      if (op === "input.all") return this.inputAll(data.inputItems);
      return this.vm.importJson(workflowDataOp(data, op, name, index));
    } catch (error) {
      return this.vm.importJson({ [HOST_ERROR_KEY]: error instanceof Error ? error.message : String(error) });
    }
  }

  /** `$input.all()` for every item of a node would copy n items n times; the frozen VM copy is kept instead. */
  private inputAll(items: Item[]): QuickJSHandle {
    const cached = this.allCache.get(items);
    if (cached && cached.length === items.length) return cached.handle.dup();
    if (cached) {
      cached.handle.dispose();
      this.allCache.delete(items);
    }
    const handle = this.vm.importJson(workflowDataOp({ ...(this.data as ExpressionData), inputItems: items }, "input.all", undefined, undefined));
    this.vm.call(this.deepFreezeHandle, undefined, handle).dispose();
    if (this.allCache.size >= 4) {
      const [oldest, entry] = this.allCache.entries().next().value as [Item[], { handle: QuickJSHandle }];
      entry.handle.dispose();
      this.allCache.delete(oldest);
    }
    this.allCache.set(items, { length: items.length, handle });
    return handle.dup();
  }

  private compile(source: string): QuickJSHandle {
    const cached = this.compiled.get(source);
    if (cached) {
      this.compiled.delete(source);
      this.compiled.set(source, cached);
      return cached;
    }
    const wrapped = `(function (${SCOPE_NAMES.join(", ")}) {\nreturn (\n${source}\n);\n})`;
    const handle = this.vm.evaluate(wrapped, "expression.js");
    if (this.compiled.size >= MAX_COMPILED) {
      const [oldest, oldHandle] = this.compiled.entries().next().value as [string, QuickJSHandle];
      oldHandle.dispose();
      this.compiled.delete(oldest);
    }
    this.compiled.set(source, handle);
    return handle;
  }

  /** The current item's json in the VM, reused while the same item is evaluated (one resolveParameters call). */
  private json(item: Item | undefined): QuickJSHandle {
    if (item && this.jsonItem === item && this.jsonHandle?.alive) return this.jsonHandle;
    this.releaseJson();
    if (!item) return this.vm.context.undefined;
    this.jsonHandle = this.vm.importJson(item.json);
    this.jsonItem = item;
    return this.jsonHandle;
  }

  releaseJson(): void {
    if (this.jsonHandle?.alive) this.jsonHandle.dispose();
    this.jsonHandle = undefined;
    this.jsonItem = undefined;
  }

  evaluate(source: string, data: ExpressionData, timeoutMs: number): JsonValue | undefined {
    const context = this.vm.context;
    return this.vm.withDeadline(timeoutMs, () => {
      const fn = this.compile(source);
      const needs = needsOf(source);
      const json = needs & NEEDS.json ? this.json(data.item) : context.undefined;
      const needsHandle = context.newNumber(needs);
      const indexHandle = context.newNumber(data.itemIndex);
      const nowHandle = context.newNumber(data.now.getTime());
      this.data = data;
      try {
        const result = this.vm.call(this.invokeHandle, undefined, fn, needsHandle, indexHandle, json, nowHandle);
        try {
          return this.vm.exportJson(result);
        } finally {
          result.dispose();
        }
      } finally {
        this.data = undefined;
        needsHandle.dispose();
        indexHandle.dispose();
        nowHandle.dispose();
      }
    });
  }

  dispose(): void {
    if (!this.vm.alive) return;
    this.releaseJson();
    for (const handle of this.compiled.values()) handle.dispose();
    for (const entry of this.allCache.values()) entry.handle.dispose();
    this.compiled.clear();
    this.allCache.clear();
    this.invokeHandle.dispose();
    this.deepFreezeHandle.dispose();
    this.hostHandle.dispose();
    this.vm.dispose();
  }
}

let vms: { generation: number; byExecution: Map<string, ExpressionVm> } = { generation: 0, byExecution: new Map() };

/** The expression VM of an execution (created on first use; the least recently used is dropped past MAX_VMS). */
export function expressionVmFor(executionId: string): ExpressionVm {
  const generation = currentGeneration();
  if (vms.generation !== generation) {
    // The VMs of an older module instance are dropped undisposed: that instance is gone or being replaced.
    vms = { generation, byExecution: new Map() };
  }
  let vm = vms.byExecution.get(executionId);
  if (vm && !vm.vm.alive) {
    vms.byExecution.delete(executionId);
    vm = undefined;
  }
  if (vm) {
    vms.byExecution.delete(executionId);
    vms.byExecution.set(executionId, vm);
    return vm;
  }
  vm = new ExpressionVm();
  if (vm.vm.generation !== vms.generation) vms = { generation: vm.vm.generation, byExecution: new Map() };
  if (vms.byExecution.size >= MAX_VMS) {
    const [oldestId, oldest] = vms.byExecution.entries().next().value as [string, ExpressionVm];
    oldest.dispose();
    vms.byExecution.delete(oldestId);
  }
  vms.byExecution.set(executionId, vm);
  return vm;
}

/** Frees the VM of a finished execution (optional: the LRU drops it anyway). */
export function releaseExpressionVm(executionId: string): void {
  const vm = vms.byExecution.get(executionId);
  if (!vm) return;
  vms.byExecution.delete(executionId);
  vm.dispose();
}

/** Releases per-call caches (the current item's json) of every VM; called at the end of resolveParameters. */
export function releaseItemCaches(): void {
  for (const vm of vms.byExecution.values()) if (vm.vm.alive) vm.releaseJson();
}

export { VmFailure };
