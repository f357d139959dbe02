import { beforeAll, describe, expect, it } from "vitest";
import { sandboxFailure } from "../helpers/sandbox";
import { loadSandbox, runUserCode } from "@/lib/sandbox";


beforeAll(async () => {
  await loadSandbox();
});

describe("names that only exist on the host", () => {
  it.each([
    ["process", "process.exit(1)"],
    ["require", "require('fs').readFileSync('/etc/passwd', 'utf8')"],
    ["fetch", "await fetch('http://169.254.169.254/')"],
    ["setTimeout", "setTimeout(() => {}, 10)"],
    ["Buffer", "Buffer.from('x')"],
    ["module", "module.exports = 1"],
    ["__dirname", "return __dirname"],
  ])("%s is refused with a clear code_forbidden error", (name, code) => {
    const error = sandboxFailure(() => runUserCode({ code }));
    expect(error.code).toBe("code_forbidden");
    expect(error.message).toContain(`${name} is not available in the Code node: user code runs in a sandbox without access to the host`);
  });

  it("static and dynamic import are refused", () => {
    expect(sandboxFailure(() => runUserCode({ code: "import fs from 'fs';\nreturn fs" })).code).toBe("code_forbidden");
    const dynamic = sandboxFailure(() => runUserCode({ code: "const fs = await import('fs');\nreturn fs.readFileSync('/etc/passwd')" }));
    expect(dynamic.code).toBe("code_forbidden");
    expect(dynamic.message).toContain("import is not available");
  });

  it("the refusal names the place it is used in", () => {
    const error = sandboxFailure(() => runUserCode({ code: "return process.env", label: "the AI tool" }));
    expect(error.message).toContain("process is not available in the AI tool");
  });
});

describe("escapes through constructors", () => {
  it("globalThis.constructor.constructor('return this')() is the sandbox's own global, without host objects", () => {
    const { value } = runUserCode({
      code: `const g = globalThis.constructor.constructor('return this')();
        return { same: g === globalThis, process: typeof g.process, require: typeof g.require, fetch: typeof g.fetch };`,
    });
    expect(value).toEqual({ same: true, process: "undefined", require: "undefined", fetch: "undefined" });
  });

  it("this.constructor.constructor('return process')() fails with code_forbidden", () => {
    const error = sandboxFailure(() => runUserCode({ code: "return this.constructor.constructor('return process')().mainModule" }));
    expect(error.code).toBe("code_forbidden");
  });

  it("async and generator function constructors lead nowhere either", () => {
    const error = sandboxFailure(() =>
      runUserCode({ code: "const AsyncFunction = (async () => {}).constructor;\nreturn await AsyncFunction('return process')();" }),
    );
    expect(error.code).toBe("code_forbidden");
  });

  it("host globals and host state are unreachable", () => {
    (globalThis as Record<string, unknown>).hostSecret = "s3cret";
    try {
      const { value } = runUserCode({ code: "return [typeof hostSecret, typeof globalThis.hostSecret, Object.keys(globalThis).includes('hostSecret')];" });
      expect(value).toEqual(["undefined", "undefined", false]);
    } finally {
      delete (globalThis as Record<string, unknown>).hostSecret;
    }
  });

  it("nothing a run leaves behind is seen by the next run", () => {
    runUserCode({ code: "globalThis.leak = 'from run 1'; Object.prototype.polluted = true; Array.prototype.push = null;" });
    const { value } = runUserCode({ code: "const a = []; a.push(1); return [typeof leak, typeof ({}).polluted, a.length];" });
    expect(value).toEqual(["undefined", "undefined", 1]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a host function only receives JSON copies, never host objects", () => {
    const seen: unknown[] = [];
    const { value } = runUserCode({
      code: "const o = { a: 1, f() {} }; record(o); o.a = 2; return o.a;",
      globals: {
        record: (argument) => {
          seen.push(argument);
          return null;
        },
      },
    });
    expect(value).toBe(2);
    expect(seen).toEqual([{ a: 1 }]);
  });
});
