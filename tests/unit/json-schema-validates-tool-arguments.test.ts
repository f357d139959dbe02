import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ToolArgumentsError,
  JsonSchemaError,
  assertArguments,
  compileSchema,
  schemaFromExample,
  validateArguments,
  zodToJsonSchema,
} from "@/lib/ai/json-schema";

const searchSchema = {
  type: "object",
  properties: {
    query: { type: "string", minLength: 1 },
    limit: { type: "integer", maximum: 100 },
    sort: { enum: ["asc", "desc"] },
    since: { type: "string", format: "date" },
  },
  required: ["query"],
  additionalProperties: false,
};

describe("tool arguments against a JSON schema", () => {
  it("accepts arguments that match and returns them unchanged", () => {
    const result = validateArguments(searchSchema, { query: "x", limit: 5 });
    expect(result).toEqual({ valid: true, value: { query: "x", limit: 5 } });
  });

  it("reports every problem with its path, in a message fit for a model", () => {
    const result = validateArguments(searchSchema, { limit: 500, sort: "up", extra: 1, since: "yesterday" }, "search");
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { path: "", message: "must have required property 'query'" },
        { path: "", message: "must not have property 'extra'" },
        { path: "/limit", message: "must be <= 100" },
        { path: "/sort", message: 'must be one of "asc", "desc"' },
        { path: "/since", message: 'must match format "date"' },
      ]),
    );
    expect(result.message).toMatch(/^The arguments do not match the input schema of tool "search": /);
    expect(result.message).toContain("/limit: must be <= 100");
    expect(result.message).toContain("(root): must have required property 'query'");
  });

  it("compiles a schema once and reuses the validator", () => {
    expect(compileSchema({ ...searchSchema })).toBe(compileSchema(JSON.parse(JSON.stringify(searchSchema))));
  });

  it("understands draft-07 schemas as MCP servers send them", () => {
    const schema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
      required: ["a", "b"],
    };
    expect(validateArguments(schema, { a: 1, b: 2 }).valid).toBe(true);
    expect(validateArguments(schema, { a: "1" }).valid).toBe(false);
  });

  it("ignores $id so two schemas with one id do not clash", () => {
    expect(validateArguments({ $id: "x", type: "string" }, "s").valid).toBe(true);
    expect(validateArguments({ $id: "x", type: "number" }, 3).valid).toBe(true);
  });

  it("throws ToolArgumentsError from assertArguments and JsonSchemaError for a broken schema", () => {
    expect(() => assertArguments(searchSchema, {}, "search")).toThrow(ToolArgumentsError);
    expect(() => validateArguments({ type: "no-such-type" }, 1, "bad")).toThrow(JsonSchemaError);
    expect(() => validateArguments({ type: "no-such-type" }, 1, "bad")).toThrow(/input schema of tool "bad" is invalid/);
  });

  it("turns a zod schema into a JSON schema that validates the same arguments", () => {
    const schema = zodToJsonSchema(z.object({ city: z.string().describe("City name"), days: z.number().int().min(1).default(1) }));
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.properties).toMatchObject({ city: { type: "string", description: "City name" } });
    expect(validateArguments(schema, { city: "Oslo" }).valid).toBe(true);
    expect(validateArguments(schema, { city: "Oslo", days: 0 }).valid).toBe(false);
  });
});

describe("a JSON schema from an example", () => {
  it("requires the example's properties with their types, and accepts other numbers", () => {
    const schema = schemaFromExample({ name: "Ada", age: 36, tags: ["x"], address: { city: "London" }, extra: null });
    expect(schema).toEqual({
      type: "object",
      properties: {
        name: { type: "string" },
        age: { type: "number" },
        tags: { type: "array", items: { type: "string" } },
        address: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        extra: {},
      },
      required: ["name", "age", "tags", "address", "extra"],
    });
    expect(validateArguments(schema, { name: "G", age: 1.5, tags: [], address: { city: "Oslo" }, extra: [1] }).valid).toBe(true);
    expect(validateArguments(schema, { name: "G", age: "old", tags: [], address: {}, extra: 1 }).valid).toBe(false);
  });
});
