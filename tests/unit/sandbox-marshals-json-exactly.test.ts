import { beforeAll, describe, expect, it } from "vitest";
import { loadSandbox } from "@/lib/sandbox";
import { decodeBinaryJson, encodeBinaryJson } from "@/lib/sandbox/binary-json";
import { mayDefineToJson, runInSandbox } from "@/lib/sandbox/session";
import { runUserCode } from "@/lib/sandbox";
import { SandboxVm } from "@/lib/sandbox/vm";
import type { JsonValue } from "@/lib/workflow/items";

beforeAll(async () => {
  await loadSandbox();
});

/**
 * Evaluates `source` in a fresh VM and exports its value both ways: the way results leave the sandbox (binary, unless
 * the code mentions toJSON) and the VM's own JSON.stringify.
 */
function exportBothWays(source: string): { binary: unknown; text: unknown } {
  return runInSandbox({}, (session) => {
    const handle = session.evaluateTrusted(`(function () { ${source} })()`);
    return { binary: session.toJson(handle, { viaText: mayDefineToJson(source) }), text: session.toJson(handle, { viaText: true }) };
  });
}

function roundTrip(value: unknown): unknown {
  return runInSandbox({}, (session) => session.toJson(session.json(value)));
}

/** A deterministic pseudo-random generator, so that a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const strings = ["", "a", "héllo", "日本語", "emoji 😀", "lone \uD800 surrogate", "quote \" and \\ backslash", "\n\t\u0000nul", "x".repeat(40)];
  const numbers = [0, -0, 1, -1, 2147483647, -2147483648, 2147483648, 0.1, -1.5e-7, 1e21, Number.MAX_SAFE_INTEGER, 5e-324];
  const value = (depth: number): JsonValue => {
    const roll = next();
    if (depth > 3 || roll < 0.45) {
      const kind = Math.floor(next() * 4);
      if (kind === 0) return strings[Math.floor(next() * strings.length)];
      if (kind === 1) return numbers[Math.floor(next() * numbers.length)];
      if (kind === 2) return next() < 0.5;
      return null;
    }
    if (roll < 0.7) return Array.from({ length: Math.floor(next() * 5) }, () => value(depth + 1));
    const object: Record<string, JsonValue> = {};
    const keys = ["a", "b", "0", "10", "2", "__proto__", "constructor", "key with space", "ü", "toString"];
    for (let index = 0; index < Math.floor(next() * 6); index++) {
      const key = keys[Math.floor(next() * keys.length)];
      const entry = value(depth + 1);
      if (key === "__proto__") Object.defineProperty(object, key, { value: entry, enumerable: true, writable: true, configurable: true });
      else object[key] = entry;
    }
    return object;
  };
  return value;
}

describe("binary marshalling", () => {
  it("is active (the self-test at load passed)", () => {
    runInSandbox({}, () => undefined);
    expect(SandboxVm.binaryCodecWorks()).toBe(true);
  });

  it("moves 300 random JSON values into the VM and back exactly as JSON would", () => {
    const random = generator(42);
    for (let index = 0; index < 300; index++) {
      const value = random(0);
      const expected = JSON.parse(JSON.stringify(value));
      expect(roundTrip(value)).toEqual(expected);
      expect(JSON.stringify(roundTrip(value))).toBe(JSON.stringify(expected));
    }
  });

  it("decodes what it encodes, on the host alone", () => {
    const random = generator(7);
    for (let index = 0; index < 300; index++) {
      const value = random(0);
      expect(JSON.stringify(decodeBinaryJson(encodeBinaryJson(value)!))).toBe(JSON.stringify(value));
    }
  });

  it("agrees with the VM's own JSON.stringify on values the code builds", () => {
    const cases = [
      "return { n: NaN, i: Infinity, z: -0, u: undefined, f() {}, s: Symbol('x'), list: [undefined, () => 1, NaN] };",
      "return { when: new Date(0), boxed: new Number(3), text: new String('t'), flag: new Boolean(false) };",
      "return { map: new Map([[1, 2]]), set: new Set([1]), re: /x/g, error: new Error('e') };",
      "return { typed: new Uint8Array([1, 2]), buffer: new ArrayBuffer(2) };",
      "const shared = { k: 1 }; return { a: shared, b: shared, list: [shared, shared] };",
      "class Point { constructor() { this.x = 1; } toJSON() { return 'point'; } } return [new Point()];",
      "const o = Object.create(null); o.b = 1; o[2] = 'two'; o.a = 3; o[1] = 'one'; return o;",
      "const a = [1, 2, 3]; a.extra = 'ignored'; delete a[1]; return a;",
      "return { get computed() { return 42; }, plain: 1 };",
      "return new Proxy({ a: 1 }, {});",
      "const o = {}; Object.defineProperty(o, 'hidden', { value: 1, enumerable: false }); o.shown = 2; return o;",
      "return 'just a string';",
      "return [1.5, -2, 2 ** 53, 1e-7];",
    ];
    for (const source of cases) {
      const { binary, text } = exportBothWays(source);
      expect(JSON.stringify(binary), source).toBe(JSON.stringify(text));
    }
  });

  it("honours toJSON inherited from a class, the way JSON.stringify does", () => {
    const { value } = runUserCode({ code: "class Money { constructor(c) { this.cents = c; } toJSON() { return (this.cents / 100).toFixed(2); } }\nreturn [new Money(1250)];" });
    expect(value).toEqual(["12.50"]);
  });

  it("returns strings exactly, NUL characters and lone surrogates included", () => {
    expect(runUserCode({ code: "return 'a\\u0000b'" }).value).toBe("a\u0000b");
    expect(runUserCode({ code: "return '\\uD800x'" }).value).toBe("\uD800x");
    expect(runUserCode({ code: "console.log('a\\u0000b')" }).logs[0].message).toBe("a\u0000b");
  });

  it("duplicates shared objects, like JSON, so items never share a mutable object", () => {
    const { binary } = exportBothWays("const shared = { k: 1 }; return [shared, shared];");
    const [first, second] = binary as Array<{ k: number }>;
    expect(first).toEqual(second);
    expect(first).not.toBe(second);
  });

  it("keeps a __proto__ key as data, never as a prototype", () => {
    const value = roundTrip(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("source text", () => {
  it("keeps a raw NUL character inside a string literal", () => {
    expect(runUserCode({ code: "return 'before\u0000after'.length" }).value).toBe(12);
  });
});
