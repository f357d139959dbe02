import { beforeAll, describe, expect, it } from "vitest";
import { loadSandbox } from "@/lib/sandbox";
import { evaluateExpression, resolveParameters } from "@/lib/workflow/expressions";
import { expressionData } from "../helpers/node-context";
import { expressionFailure } from "../helpers/sandbox";

const data = expressionData({ items: [{ json: { user: { name: "Ada" }, count: 3 } }] });

beforeAll(async () => {
  await loadSandbox();
});

describe("errors name the node, the parameter and the expression", () => {
  it("for a failing plain path (host fast path)", () => {
    const error = expressionFailure(() =>
      resolveParameters({ conditions: [{ leftValue: "{{ $json.address.city }}", rightValue: "x" }] }, data, { node: "Check City" }),
    );
    expect(error.code).toBe("expression_failed");
    expect(error.message).toBe(
      `Expression failed in node "Check City", parameter "conditions[0].leftValue": Cannot read properties of undefined (reading 'city') — in {{ $json.address.city }}`,
    );
    expect(error.fields).toMatchObject({ node: "Check City", parameter: "conditions[0].leftValue", expression: "$json.address.city", reason: "threw" });
  });

  it("for a failing expression in the VM", () => {
    const error = expressionFailure(() => resolveParameters({ options: { body: "total: {{ $json.items.map(i => i.price) }}" } }, data, { node: "HTTP" }));
    expect(error.message).toBe(
      `Expression failed in node "HTTP", parameter "options.body": Cannot read properties of undefined (reading 'map') — in {{ $json.items.map(i => i.price) }}`,
    );
  });

  it("names odd keys in the path with brackets", () => {
    const error = expressionFailure(() => resolveParameters({ "headers list": ["{{ nope() }}"] }, data, { node: "N" }));
    expect(error.fields.parameter).toBe('["headers list"][0]');
    expect(error.message).toContain("nope is not defined");
  });

  it("reports invalid JavaScript", () => {
    const error = expressionFailure(() => evaluateExpression("$json.count +", data, { node: "Set", parameter: "value" }));
    expect(error.fields.reason).toBe("syntax");
    expect(error.message).toMatch(/^Expression failed in node "Set", parameter "value": invalid JavaScript: /);
  });

  it("reports what the expression threw", () => {
    const error = expressionFailure(() => evaluateExpression("(() => { throw new RangeError('too big') })()", data));
    expect(error.message).toContain("RangeError: too big");
  });
});

describe("expressions cannot reach the host", () => {
  it.each([
    ["process.exit()", "process"],
    ["this.constructor.constructor('return process')()", "process"],
    ["require('child_process').execSync('id')", "require"],
    ["fetch('http://example.com')", "fetch"],
    ["globalThis.process.mainModule", null],
  ])("%s fails and nothing happens on the host", (expression, name) => {
    const error = expressionFailure(() => evaluateExpression(expression, data));
    if (name) {
      expect(error.fields.reason).toBe("forbidden");
      expect(error.message).toContain(`${name} is not available in expressions: expressions run in a sandbox without access to the host`);
    } else {
      expect(error.message).toContain("Cannot read properties of undefined (reading 'mainModule')");
    }
  });

  it("the Function constructor only reaches the sandbox's own global", () => {
    expect(evaluateExpression("this.constructor.constructor('return typeof this.process')()", data)).toBe("undefined");
    expect(evaluateExpression("Object.keys(globalThis).filter(k => !k.startsWith('$'))", data)).toEqual([]);
  });

  it("an endless loop is stopped by the 1 s time limit", () => {
    const started = performance.now();
    const error = expressionFailure(() => evaluateExpression("(() => { while(true){} })()", data, { node: "Loop" }));
    const took = performance.now() - started;
    expect(error.fields.reason).toBe("timeout");
    expect(error.message).toContain("stopped after 1000 ms: the expression ran longer than the time limit");
    expect(took).toBeGreaterThanOrEqual(990);
    expect(took).toBeLessThan(2_500);
    expect(evaluateExpression("$json.count * 2", data, { fastPath: false })).toBe(6);
  });

  it("a memory bomb is stopped", () => {
    const error = expressionFailure(() => evaluateExpression("(() => { const a = []; while (true) a.push('x'.repeat(1e5) + a.length); })()", data));
    expect(error.fields.reason).toBe("memory");
  });
});

describe("isolation", () => {
  it("globals set by one execution's expressions are not seen by another execution", () => {
    const first = expressionData({ items: [{ json: {} }], executionId: "execution-A" });
    const second = expressionData({ items: [{ json: {} }], executionId: "execution-B" });
    evaluateExpression("(globalThis.secret = 'from A', Array.prototype.evil = 1, 0)", first);
    expect(evaluateExpression("typeof globalThis.secret", first)).toBe("string");
    expect(evaluateExpression("[typeof globalThis.secret, typeof [].evil]", second)).toEqual(["undefined", "undefined"]);
  });
});
