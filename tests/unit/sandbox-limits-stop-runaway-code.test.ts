import { beforeAll, describe, expect, it } from "vitest";
import { sandboxFailure } from "../helpers/sandbox";
import { loadSandbox, runUserCode, sandboxStats } from "@/lib/sandbox";


function elapsed(run: () => unknown): number {
  const started = performance.now();
  try {
    run();
  } catch {
    /* measured either way */
  }
  return performance.now() - started;
}

beforeAll(async () => {
  await loadSandbox();
});

describe("time limit", () => {
  it("stops an infinite loop with a clear timeout error", () => {
    const error = sandboxFailure(() => runUserCode({ code: "while (true) {}", timeoutMs: 200 }));
    expect(error.code).toBe("code_timeout");
    expect(error.message).toBe("stopped after 200 ms: the code ran longer than the time limit");
  });

  it("cannot be caught by the code", () => {
    const error = sandboxFailure(() =>
      runUserCode({ code: "for (;;) { try { while (true) {} } catch (e) { /* keep going */ } }", timeoutMs: 150 }),
    );
    expect(error.code).toBe("code_timeout");
  });

  it("stops a loop of slow native calls close to the limit, not 10,000 calls later", () => {
    const took = elapsed(() => runUserCode({ code: "const s = 'x'.repeat(5e6); while (true) s.indexOf('y');", timeoutMs: 300 }));
    expect(took).toBeLessThan(1_500);
  });

  it("stops an infinite async loop (awaits keep running jobs)", () => {
    const error = sandboxFailure(() => runUserCode({ code: "while (true) { await null; }", timeoutMs: 150 }));
    expect(error.code).toBe("code_timeout");
  });

  it("stops catastrophic regex backtracking", () => {
    const error = sandboxFailure(() => runUserCode({ code: "return /(a+)+b/.test('a'.repeat(40))", timeoutMs: 200 }));
    expect(error.code).toBe("code_timeout");
  });
});

describe("memory limit", () => {
  it("stops a bomb of many large strings", () => {
    const error = sandboxFailure(() =>
      runUserCode({ code: "const a = []; while (true) a.push('x'.repeat(1e5) + a.length);", memoryLimitBytes: 16 * 1024 * 1024 }),
    );
    expect(error.code).toBe("code_memory");
    expect(error.message).toContain("more memory than its limit of 16 MB");
  });

  it("stops a bomb of small objects", () => {
    const error = sandboxFailure(() => runUserCode({ code: "const a = []; while (true) a.push({ n: a.length });", memoryLimitBytes: 16 * 1024 * 1024 }));
    expect(error.code).toBe("code_memory");
  });

  it("refuses one allocation larger than the limit", () => {
    const error = sandboxFailure(() => runUserCode({ code: "return 'x'.repeat(2 ** 28).length", memoryLimitBytes: 16 * 1024 * 1024 }));
    expect(error.code).toBe("code_memory");
  });

  it("stops a bomb that keeps its garbage reachable from globalThis, and the next run still works", () => {
    const error = sandboxFailure(() =>
      runUserCode({ code: "globalThis.keep = []; while (true) keep.push('y'.repeat(1e6) + keep.length);", memoryLimitBytes: 32 * 1024 * 1024 }),
    );
    expect(error.code).toBe("code_memory");
    expect(runUserCode({ code: "return typeof keep" }).value).toBe("undefined");
  });

  it("never lets the WASM heap exceed the process-wide cap", () => {
    const stats = sandboxStats();
    expect(stats.heapBytes).toBeLessThanOrEqual(stats.capBytes);
  });
});

describe("stack limit", () => {
  it("stops unbounded recursion with the user's line", () => {
    const error = sandboxFailure(() => runUserCode({ code: "function down(n) {\n  return down(n + 1) + 1;\n}\nreturn down(0);" }));
    expect(error.code).toBe("code_memory");
    expect(error.message).toContain("stack overflow");
    expect(error.fields.line).toBe(2);
  });

  it("stops native recursion over deeply nested data (JSON.stringify, String, flat) without harming the host", () => {
    for (const code of [
      "let d = {}; for (let i = 0; i < 1e5; i++) d = { d }; return JSON.stringify(d).length;",
      "let a = []; for (let i = 0; i < 1e5; i++) a = [a]; return String(a).length;",
      "let a = []; for (let i = 0; i < 1e5; i++) a = [a]; return a.flat(Infinity).length;",
      "return JSON.parse('['.repeat(1e5) + ']'.repeat(1e5)).length;",
      "return eval('x = ' + '('.repeat(1e5) + '1' + ')'.repeat(1e5));",
    ]) {
      const error = sandboxFailure(() => runUserCode({ code }));
      expect(error.code, code).toBe("code_memory");
    }
    expect(runUserCode({ code: "return 40 + 2" }).value).toBe(42);
  });

  it("allows ordinary recursion depth", () => {
    expect(runUserCode({ code: "function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); }\nreturn depth(100);" }).value).toBe(100);
  });
});

describe("results", () => {
  it("refuses a result that is not JSON", () => {
    expect(sandboxFailure(() => runUserCode({ code: "const a = {}; a.self = a; return a;" })).code).toBe("code_invalid_result");
    expect(sandboxFailure(() => runUserCode({ code: "return { big: 10n };" })).code).toBe("code_invalid_result");
  });

  it("reports a promise that can never settle", () => {
    const error = sandboxFailure(() => runUserCode({ code: "await new Promise(() => {});" }));
    expect(error.code).toBe("code_threw");
    expect(error.message).toContain("never settles");
  });
});
