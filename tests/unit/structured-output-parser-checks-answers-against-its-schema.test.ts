/** The Structured Output Parser sub-node: its schema from an example or a JSON Schema, and how it reads answers. */
import { describe, expect, it } from "vitest";
import { parameterProblems } from "@/lib/workflow/validate";
import { answerSchema, createStructuredOutputParser, outputParserStructured } from "@/nodes/output-parser-structured/definition";

describe("Structured Output Parser", () => {
  it("builds the schema from a JSON example (every property required, with its type) or takes a JSON Schema", () => {
    expect(answerSchema({ schemaType: "fromJson", jsonSchemaExample: '{ "category": "billing", "urgent": true, "tags": ["a"] }' })).toEqual({
      type: "object",
      properties: { category: { type: "string" }, urgent: { type: "boolean" }, tags: { type: "array", items: { type: "string" } } },
      required: ["category", "urgent", "tags"],
    });
    const manual = { type: "object", properties: { n: { type: "integer", minimum: 1 } }, required: ["n"] };
    expect(answerSchema({ schemaType: "manual", jsonSchemaExample: "{}", inputSchema: JSON.stringify(manual) })).toEqual(manual);
  });

  it("reads a JSON answer or a fenced one, and says what does not match", async () => {
    const parser = createStructuredOutputParser(answerSchema({ schemaType: "fromJson", jsonSchemaExample: '{ "city": "Paris", "population": 2100000 }' }));
    expect(await parser.parse('{"city":"Lyon","population":520000}')).toEqual({ city: "Lyon", population: 520000 });
    expect(await parser.parse('```json\n{"city":"Nice","population":340000}\n```')).toEqual({ city: "Nice", population: 340000 });
    expect(() => parser.parse("Lyon, about half a million")).toThrow(/the answer is not JSON/);
    expect(() => parser.parse('{"city":"Lyon"}')).toThrow("the answer does not match the schema: (root): must have required property 'population'");
  });

  it("a broken example or schema is a validation problem naming the field; an expression is checked at run time", () => {
    expect(parameterProblems(outputParserStructured, { jsonSchemaExample: "{ nope" })).toEqual([{ path: ["jsonSchemaExample"], message: expect.stringContaining("the JSON example is not valid JSON") }]);
    expect(parameterProblems(outputParserStructured, { schemaType: "manual" })).toEqual([{ path: ["inputSchema"], message: expect.stringContaining("give the JSON Schema") }]);
    expect(parameterProblems(outputParserStructured, { schemaType: "manual", inputSchema: '{ "type": "nope" }' })).toHaveLength(1);
    expect(parameterProblems(outputParserStructured, { jsonSchemaExample: "{{ $json.example }}" })).toEqual([]);
  });
});
