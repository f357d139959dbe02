import { describe, expect, it } from "vitest";
import { lazyModule } from "@/lib/lazy-module";

describe("lazyModule", () => {
  it("loads on the first call only, and hands every caller the same module", async () => {
    let loads = 0;
    const load = lazyModule(async () => ({ value: ++loads }));
    expect(loads).toBe(0);
    const [first, second] = await Promise.all([load(), load()]);
    expect(await load()).toBe(first);
    expect(second).toBe(first);
    expect(loads).toBe(1);
  });

  it("does not keep a failed load: the next call loads again", async () => {
    let loads = 0;
    const load = lazyModule(async () => {
      loads += 1;
      if (loads === 1) throw new Error("the chunk failed to load");
      return { loads };
    });
    await expect(load()).rejects.toThrow("the chunk failed to load");
    expect(await load()).toEqual({ loads: 2 });
    expect(await load()).toEqual({ loads: 2 });
  });
});
