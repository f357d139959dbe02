import { describe, expect, it } from "vitest";
import { changeGeneration, changing } from "@/lib/db/changes";
import type { Database } from "@/lib/db/client";
import { LookupCache } from "@/lib/db/lookup-cache";

/** LookupCache only keys on the database object: a plain object stands for one here. */
const db = {} as Database;

function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("LookupCache with the change counters of lib/db/changes.ts", () => {
  it("serves a repeated read from the cache while nothing is written", async () => {
    const cache = new LookupCache<string>(() => changeGeneration("credentials"));
    let loads = 0;
    const load = async () => `value-${++loads}`;
    expect(await cache.get(db, "k", load)).toBe("value-1");
    expect(await cache.get(db, "k", load)).toBe("value-1");
    expect(loads).toBe(1);
  });

  it("does not keep a read made while a write is in flight, even one that ends before the write does", async () => {
    const cache = new LookupCache<string>(() => changeGeneration("workflows"));
    let stored = "old";
    const write = gate();
    const writing = changing("workflows", async () => {
      await write.opened;
      stored = "new";
    });
    // Read during the write, before it commits: it sees the old value and must not be kept.
    expect(await cache.get(db, "k", async () => stored)).toBe("old");
    write.open();
    await writing;
    expect(await cache.get(db, "k", async () => stored)).toBe("new");
  });

  it("does not keep a read that a write overlapped", async () => {
    const cache = new LookupCache<string>(() => changeGeneration("credentials"));
    const read = gate();
    const first = cache.get(db, "k", async () => {
      await read.opened;
      return "read-before-the-write";
    });
    await changing("credentials", async () => {});
    read.open();
    expect(await first).toBe("read-before-the-write");
    expect(await cache.get(db, "k", async () => "read-after-the-write")).toBe("read-after-the-write");
  });

  it("a failed write still moves the counter after it", async () => {
    const before = changeGeneration("credentials");
    await expect(changing("credentials", async () => Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    expect(changeGeneration("credentials")).toBe(before + 2);
  });
});
