import { beforeAll, describe, expect, it } from "vitest";
import { loadSandbox } from "@/lib/sandbox";
import { evaluateExpression, hasExpression, parseTemplate, resolveParameters, resolveTemplate } from "@/lib/workflow/expressions";
import { expressionData } from "../helpers/node-context";

const data = expressionData({
  items: [{ json: { price: 12.5, qty: 2, name: "Ada", tags: ["a", "b"], address: { city: "Paris" }, active: true, none: null } }],
});

beforeAll(async () => {
  await loadSandbox();
});

describe("a single {{ expression }} keeps the value's type", () => {
  it.each([
    ["{{ $json.price }}", 12.5],
    ["{{ $json.price * $json.qty }}", 25],
    ["{{ $json.active }}", true],
    ["{{ $json.none }}", null],
    ["{{ $json.tags }}", ["a", "b"]],
    ["{{ $json.address }}", { city: "Paris" }],
    ["{{ { total: $json.price * $json.qty, currency: 'EUR' } }}", { total: 25, currency: "EUR" }],
    ["{{ $json.tags.length > 1 }}", true],
    ["={{ $json.qty }}", 2],
    ["{{ $json.missing }}", undefined],
  ])("%s", (template, expected) => {
    expect(resolveTemplate(template, data)).toEqual(expected);
  });
});

describe("text with expressions is concatenated", () => {
  it.each([
    ["Hello {{ $json.name }}!", "Hello Ada!"],
    ["={{ $json.qty }} x {{ $json.price }} = {{ $json.qty * $json.price }}", "2 x 12.5 = 25"],
    ["city: {{ $json.address }}", 'city: {"city":"Paris"}'],
    ["tags: {{ $json.tags }}", 'tags: ["a","b"]'],
    ["[{{ $json.none }}][{{ $json.missing }}]", "[][]"],
    ["active={{ $json.active }}", "active=true"],
    [" {{ $json.qty }}", " 2"],
  ])("%s", (template, expected) => {
    expect(resolveTemplate(template, data)).toBe(expected);
  });
});

describe("template parsing", () => {
  it("finds the end of an expression past braces, strings, template literals and comments", () => {
    expect(parseTemplate("{{ {a: {b: 1}} }}")?.parts).toEqual([{ kind: "expression", source: "{a: {b: 1}}" }]);
    expect(parseTemplate("{{ '}}' + \"}}\" }}")?.parts).toEqual([{ kind: "expression", source: "'}}' + \"}}\"" }]);
    expect(parseTemplate("{{ `a${ {x: '}}'}.x }b` }} tail")?.parts).toEqual([
      { kind: "expression", source: "`a${ {x: '}}'}.x }b`" },
      { kind: "text", text: " tail" },
    ]);
    expect(parseTemplate("{{ 1 /* }} */ + 2 }}")?.parts).toEqual([{ kind: "expression", source: "1 /* }} */ + 2" }]);
    expect(resolveTemplate("{{ {a: {b: 1}}.a.b }}", data)).toBe(1);
    expect(resolveTemplate("{{ '}}' }}", data)).toBe("}}");
  });

  it("treats strings without a closed {{ }} as plain text", () => {
    expect(parseTemplate("plain")).toBeUndefined();
    expect(parseTemplate("{ {not} }")).toBeUndefined();
    expect(parseTemplate("{{ never closed")).toBeUndefined();
    expect(parseTemplate("=no template here")).toBeUndefined();
    expect(resolveTemplate("=no template here", data)).toBe("=no template here");
  });

  it("hasExpression looks deep into arrays and objects", () => {
    expect(hasExpression("{{ 1 }}")).toBe(true);
    expect(hasExpression({ a: [1, { b: "x {{ $json.y }}" }] })).toBe(true);
    expect(hasExpression({ a: [1, { b: "x" }], c: null, d: 3 })).toBe(false);
    expect(hasExpression("{ {x} }")).toBe(false);
  });
});

describe("resolveParameters", () => {
  it("resolves deeply, returns a new object and leaves raw keys untouched", () => {
    const parameters = {
      url: "=https://api.example.com/users/{{ $json.name }}",
      limit: "{{ $json.qty * 10 }}",
      options: { headers: [{ name: "X-City", value: "{{ $json.address.city }}" }], retry: 3 },
      jsCode: "return [{ json: { x: '{{ not a template here }}' } }]",
      flag: false,
    };
    const resolved = resolveParameters(parameters, data, { node: "HTTP", rawKeys: ["jsCode"] });
    expect(resolved).toEqual({
      url: "https://api.example.com/users/Ada",
      limit: 20,
      options: { headers: [{ name: "X-City", value: "Paris" }], retry: 3 },
      jsCode: "return [{ json: { x: '{{ not a template here }}' } }]",
      flag: false,
    });
    expect(parameters.limit).toBe("{{ $json.qty * 10 }}");
  });

  it("evaluates per item", () => {
    const items = [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }];
    const values = items.map((_, itemIndex) => resolveParameters({ value: "{{ $json.n * 100 + $itemIndex }}" }, expressionData({ items, itemIndex })).value);
    expect(values).toEqual([100, 201, 302]);
  });

  it("evaluateExpression takes JavaScript source or a whole template", () => {
    expect(evaluateExpression("$json.qty + 1", data)).toBe(3);
    expect(evaluateExpression("{{ $json.qty }} items", data)).toBe("2 items");
  });
});
