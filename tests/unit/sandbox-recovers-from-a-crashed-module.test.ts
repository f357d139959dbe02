import { describe, expect, it } from "vitest";
import { sandboxFailure } from "../helpers/sandbox";
import { isSandboxLoaded, loadSandbox, runUserCode, sandboxStats } from "@/lib/sandbox";
import { evaluateExpression } from "@/lib/workflow/expressions";
import { expressionData } from "../helpers/node-context";


describe("module lifecycle", () => {
  it("says clearly when the sandbox is not loaded yet", () => {
    expect(isSandboxLoaded()).toBe(false);
    const error = sandboxFailure(() => runUserCode({ code: "return 1" }));
    expect(error.code).toBe("sandbox_unavailable");
    expect(error.message).toContain("await loadSandbox()");
  });

  it("a host stack overflow inside the VM discards the module; the sandbox reloads and works again", async () => {
    await loadSandbox();
    evaluateExpression("$json.a * 2", expressionData({ items: [{ json: { a: 1 } }] }), { fastPath: false });
    const before = sandboxStats();

    // A 1 MB QuickJS stack lets native recursion exhaust the host's own stack before QuickJS notices (see vm.ts).
    const error = sandboxFailure(() =>
      runUserCode({ code: "let d = {}; for (let i = 0; i < 2e5; i++) d = { d };\nreturn JSON.stringify(d).length;", stackLimitBytes: 1024 * 1024 }),
    );
    expect(error.code).toBe("code_memory");
    expect(sandboxStats().crashes).toBe(before.crashes + 1);

    await loadSandbox();
    expect(sandboxStats().generation).toBeGreaterThan(before.generation);
    expect(runUserCode({ code: "return [1, 2, 3].map((n) => n * 2)" }).value).toEqual([2, 4, 6]);
    expect(evaluateExpression("$json.a * 2", expressionData({ items: [{ json: { a: 21 } }] }), { fastPath: false })).toBe(42);
  });
});
