import { beforeAll, describe, expect, it } from "vitest";
import { sandboxFailure } from "../helpers/sandbox";
import { loadSandbox, runUserCode } from "@/lib/sandbox";


beforeAll(async () => {
  await loadSandbox();
});

describe("line numbers", () => {
  it("a throw reports the user's line and column, not the wrapper's", () => {
    const error = sandboxFailure(() => runUserCode({ code: "const a = 1;\nconst b = 2;\n\nthrow new Error('boom at four');" }));
    expect(error.code).toBe("code_threw");
    expect(error.message).toBe("Error: boom at four [line 4]");
    expect(error.fields.line).toBe(4);
    expect(error.fields.column).toBeGreaterThan(0);
  });

  it("a TypeError deep in a helper reports the line where it happened, in Node's wording", () => {
    const error = sandboxFailure(() =>
      runUserCode({ code: "function read(o) {\n  return o.missing.value;\n}\n\nreturn read({});" }),
    );
    expect(error.message).toBe("TypeError: Cannot read properties of undefined (reading 'value') [line 2]");
    expect(error.fields.line).toBe(2);
  });

  it("a syntax error reports its line", () => {
    const error = sandboxFailure(() => runUserCode({ code: "const ok = 1;\nconst broken = ;\nreturn ok;" }));
    expect(error.code).toBe("code_threw");
    expect(error.message).toMatch(/^SyntaxError: .* \[line 2\]$/);
    expect(error.fields.line).toBe(2);
  });

  it("a ReferenceError names the variable", () => {
    const error = sandboxFailure(() => runUserCode({ code: "\nreturn undefinedThing + 1;" }));
    expect(error.message).toBe("ReferenceError: undefinedThing is not defined [line 2]");
  });

  it("an error raised by a host function points at the line that called it", () => {
    const error = sandboxFailure(() =>
      runUserCode({
        code: "const x = 1;\nreturn lookup('missing');",
        globals: {
          lookup: () => {
            throw new Error("no such record");
          },
        },
      }),
    );
    expect(error.message).toBe("Error: no such record [line 2]");
  });

  it("a thrown non-Error value is reported as it is", () => {
    expect(sandboxFailure(() => runUserCode({ code: "throw 'plain text';" })).message).toBe("plain text");
    expect(sandboxFailure(() => runUserCode({ code: "throw { message: 'an object' };" })).message).toBe("an object");
  });
});

describe("console", () => {
  it("console output is captured in order and returned, not printed", () => {
    const { value, logs } = runUserCode({
      code: "console.log('hello', 42, { a: [1] });\nconsole.warn('careful');\nconsole.error(new TypeError('bad'));\nreturn 'done';",
    });
    expect(value).toBe("done");
    expect(logs).toEqual([
      { level: "log", message: 'hello 42 {"a":[1]}' },
      { level: "warn", message: "careful" },
      { level: "error", message: "TypeError: bad" },
    ]);
  });

  it("what was printed before a failure comes with the error", () => {
    const error = sandboxFailure(() => runUserCode({ code: "console.log('step 1');\nconsole.log('step 2');\nnull.x;" }));
    expect(error.fields.logs).toEqual([
      { level: "log", message: "step 1" },
      { level: "log", message: "step 2" },
    ]);
    expect(error.fields.line).toBe(3);
  });

  it("an error carries only the last 20 lines printed, shortened", () => {
    const error = sandboxFailure(() => runUserCode({ code: "for (let i = 0; i < 100; i++) console.log(String(i).repeat(3000));\nthrow new Error('x');" }));
    const logs = error.fields.logs as Array<{ message: string }>;
    expect(logs).toHaveLength(20);
    expect(logs[0].message.startsWith("808080")).toBe(true);
    expect(logs[19].message.length).toBeLessThanOrEqual(2_001);
  });

  it("a flood of console lines is capped", () => {
    const { logs } = runUserCode({ code: "for (let i = 0; i < 5000; i++) console.log('line ' + i);" });
    expect(logs).toHaveLength(1001);
    expect(logs[1000].message).toContain("4000 more console lines were dropped");
  });
});

describe("values", () => {
  it("return works at the top level and await works", () => {
    expect(runUserCode({ code: "const v = await Promise.resolve(20);\nreturn v * 2;" }).value).toBe(40);
  });

  it("globals come in as JSON and host functions can be called", () => {
    const { value } = runUserCode({
      code: "return settings.factor * double(items.length);",
      globals: { settings: { factor: 10 }, items: [1, 2, 3], double: (n) => (n as number) * 2 },
    });
    expect(value).toBe(60);
  });
});
