/**
 * Sandbox VMs are built ahead and disposed of off the path of a run, as idle work (lib/idle-work.ts,
 * lib/sandbox/spare-vm.ts): the work waits for the moment the engine waits for the database, or at the latest
 * IDLE_WORK_DEADLINE_MS. Only a short run that ended well leaves its VM for later; anything else is disposed of at once.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { IDLE_WORK_DEADLINE_MS, idleWorkQueued, runIdleWork, runIdleWorkSoon, whenIdle } from "@/lib/idle-work";
import { loadSandbox, resolveLimits, runUserCode } from "@/lib/sandbox";
import { RETIRED_MAX, SHORT_RUN_MS, prepareVm, retireVm, spareVmState, takeVm } from "@/lib/sandbox/spare-vm";
import { sandboxFailure } from "../helpers/sandbox";

const limits = resolveLimits({});

describe("idle work", () => {
  afterEach(() => runIdleWork());

  it("runs once the caller says it is about to wait, after the current promise jobs", async () => {
    const done: string[] = [];
    whenIdle("first", () => done.push("first"));
    whenIdle("second", () => done.push("second"));
    runIdleWorkSoon();
    await Promise.resolve();
    expect(done).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toEqual(["first", "second"]);
    expect(idleWorkQueued()).toBe(0);
  });

  it("runs at the latest after its deadline when nobody says the thread is idle", async () => {
    let ran = false;
    whenIdle("late", () => (ran = true));
    await new Promise((resolve) => setTimeout(resolve, IDLE_WORK_DEADLINE_MS / 2));
    expect(ran).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, IDLE_WORK_DEADLINE_MS * 2));
    expect(ran).toBe(true);
  });

  it("runs the other tasks when one fails", () => {
    const done: string[] = [];
    whenIdle("fails", () => {
      throw new Error("broken");
    });
    whenIdle("works", () => done.push("works"));
    runIdleWork();
    expect(done).toEqual(["works"]);
  });
});

describe("sandbox VMs as idle work", () => {
  beforeAll(async () => {
    await loadSandbox();
  });
  afterEach(() => runIdleWork());

  it("builds the spare VM when the thread is idle, and the next run takes it", () => {
    runIdleWork();
    takeVm(limits).dispose();
    prepareVm(limits);
    expect(spareVmState()).toMatchObject({ ready: false, planned: true });
    runIdleWork();
    expect(spareVmState()).toMatchObject({ ready: true, planned: false });
    const vm = takeVm(limits);
    // Taking it plans the next one.
    expect(spareVmState()).toMatchObject({ ready: false, planned: true });
    expect(vm.alive).toBe(true);
    vm.dispose();
  });

  it("leaves a VM to idle work only after a short run that ended well, and only a few at a time", () => {
    const waiting = spareVmState().retiredWaiting;
    const short = takeVm(limits);
    retireVm(short, { ms: SHORT_RUN_MS / 4, failed: false });
    expect(short.alive).toBe(true);
    expect(spareVmState().retiredWaiting).toBe(waiting + 1);
    runIdleWork();
    expect(short.alive).toBe(false);

    const failed = takeVm(limits);
    retireVm(failed, { ms: 0.1, failed: true });
    expect(failed.alive).toBe(false);
    const long = takeVm(limits);
    retireVm(long, { ms: SHORT_RUN_MS * 2, failed: false });
    expect(long.alive).toBe(false);

    const many = Array.from({ length: RETIRED_MAX + 1 }, () => takeVm(limits));
    for (const vm of many) retireVm(vm, { ms: 0.1, failed: false });
    expect(many.map((vm) => vm.alive)).toEqual([...Array(RETIRED_MAX).fill(true), false]);
    runIdleWork();
    expect(many.every((vm) => !vm.alive)).toBe(true);
    expect(spareVmState().retiredWaiting).toBe(0);
  });

  it("runs code the same way, and a run that fails leaves nothing behind", () => {
    expect(runUserCode({ code: "return [1, 2].map((n) => n * 3)" }).value).toEqual([3, 6]);
    expect(sandboxFailure(() => runUserCode({ code: "throw new Error('no')" })).message).toContain("no");
    runIdleWork();
    expect(spareVmState().retiredWaiting).toBe(0);
    expect(runUserCode({ code: "return typeof globalThis.leftOver" }).value).toBe("undefined");
  });
});
