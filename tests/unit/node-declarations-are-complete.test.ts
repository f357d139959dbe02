import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CONNECTION_KINDS } from "@/lib/workflow/connection-kinds";
import { outputsOf, type AnyNodeDefinition } from "@/lib/workflow/node-definition";
import { nodeDefinitions, nodeRegistry } from "@/nodes";

const GROUPS = ["trigger", "flow", "transform", "core", "ai"];

type JsonSchemaNode = { properties?: Record<string, JsonSchemaNode>; anyOf?: JsonSchemaNode[]; oneOf?: JsonSchemaNode[]; enum?: unknown[]; type?: unknown };

/** The editor renders forms from this rendering (lib/engine/node-catalog.ts uses the same options). */
function renderSchema(definition: AnyNodeDefinition): JsonSchemaNode {
  return z.toJSONSchema(definition.parameters, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
}

/** The sub-schema at a dotted parameter path (`options.redirect.maxRedirects`), through unions; undefined when absent. */
function schemaAt(schema: JsonSchemaNode, path: string): JsonSchemaNode | undefined {
  let candidates: JsonSchemaNode[] = [schema];
  for (const key of path.split(".")) {
    const expand = (node: JsonSchemaNode): JsonSchemaNode[] => [node, ...(node.anyOf ?? []).flatMap(expand), ...(node.oneOf ?? []).flatMap(expand)];
    candidates = candidates.flatMap(expand).flatMap((node) => (node.properties?.[key] ? [node.properties[key]] : []));
    if (candidates.length === 0) return undefined;
  }
  return candidates[0];
}

function enumOf(schema: JsonSchemaNode): unknown[] | undefined {
  if (schema.enum) return schema.enum;
  const options = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  const values = options.flatMap((option) => option.enum ?? []);
  return values.length > 0 ? values : undefined;
}

describe("the node registry", () => {
  it("has one definition per type, and the map and the array agree", () => {
    const types = nodeDefinitions.map((definition) => definition.type);
    expect(new Set(types).size).toBe(types.length);
    expect(nodeRegistry.size).toBe(nodeDefinitions.length);
    for (const definition of nodeDefinitions) expect(nodeRegistry.get(definition.type)).toBe(definition);
    expect([...nodeRegistry.keys()].sort()).toEqual([...types].sort());
  });

  it("has at least one trigger, so a workflow can start", () => {
    expect(nodeDefinitions.filter((definition) => definition.trigger === true).length).toBeGreaterThan(0);
  });
});

describe.each(nodeDefinitions.map((definition) => [definition.type, definition] as const))("%s", (_type, definition) => {
  it("is named hetumind.<name> and describes itself for the palette", () => {
    expect(definition.type).toMatch(/^hetumind\.[a-z][A-Za-z0-9]*$/);
    expect(Number.isInteger(definition.version) && definition.version >= 1).toBe(true);
    for (const text of [definition.displayName, definition.description, definition.icon]) {
      expect(typeof text).toBe("string");
      expect(text.trim().length).toBeGreaterThan(0);
    }
    expect(definition.icon).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(GROUPS).toContain(definition.group);
    expect(typeof definition.sideEffects).toBe("boolean");
  });

  it("runs on items (execute) or supplies its consumer (supply), as its ports require", () => {
    const defaults = definition.parameters.safeParse({});
    const outputs = outputsOf(definition, defaults.success ? defaults.data : {});
    const suppliesOnly = outputs.length > 0 && outputs.every((port) => port.kind !== "main");
    if (suppliesOnly) {
      // A sub-node: never activated by items, so it has no main input, no execute, is no trigger, and its consumer owns the side effects.
      expect(typeof definition.supply).toBe("function");
      expect(definition.execute).toBeUndefined();
      expect(definition.inputs.some((port) => port.kind === "main")).toBe(false);
      expect(definition.trigger).not.toBe(true);
      expect(definition.pauses).not.toBe(true);
    } else {
      expect(typeof definition.execute).toBe("function");
      expect(definition.supply).toBeUndefined();
    }
  });

  it("has a zod parameter schema that renders as a JSON Schema object", () => {
    expect(definition.parameters).toBeInstanceOf(z.ZodType);
    expect(() => z.toJSONSchema(definition.parameters)).not.toThrow();
    const schema = renderSchema(definition);
    expect(schema.type).toBe("object");
  });

  it("names only parameters that exist in its hints, raw keys and displayWhen conditions", () => {
    const schema = renderSchema(definition);
    for (const [path, hint] of Object.entries(definition.parameterHints ?? {})) {
      expect(schemaAt(schema, path), `hint "${path}"`).toBeDefined();
      for (const [other, values] of Object.entries(hint.displayWhen ?? {})) {
        const target = schemaAt(schema, other);
        expect(target, `displayWhen of "${path}" names "${other}"`).toBeDefined();
        const allowed = target ? enumOf(target) : undefined;
        if (allowed) for (const value of values) expect(allowed, `displayWhen of "${path}": ${other} = ${JSON.stringify(value)}`).toContain(value);
      }
    }
    for (const key of definition.rawParameterKeys ?? []) expect(schema.properties?.[key], `raw key "${key}"`).toBeDefined();
  });

  it("declares ports of known kinds, and its outputs resolve from its parameters", () => {
    for (const port of definition.inputs) expect(CONNECTION_KINDS).toContain(port.kind);
    const defaults = definition.parameters.safeParse({});
    // Where the defaults parse, outputs come from them; otherwise from the raw (unparsed) parameters, as validation does.
    const outputs = outputsOf(definition, defaults.success ? defaults.data : {});
    expect(Array.isArray(outputs)).toBe(true);
    for (const port of outputs) expect(CONNECTION_KINDS).toContain(port.kind);
    const names = outputs.map((port) => port.name).filter((name) => name !== undefined);
    expect(new Set(names).size).toBe(names.length);
  });

  it("has the inputs its role needs: a trigger no main input, any other node a main input or only sub-connection outputs", () => {
    const takesMain = definition.inputs.some((port) => port.kind === "main");
    const defaults = definition.parameters.safeParse({});
    const outputs = outputsOf(definition, defaults.success ? defaults.data : {});
    if (definition.trigger === true) {
      expect(takesMain).toBe(false);
      expect(outputs.some((port) => port.kind === "main")).toBe(true);
    } else {
      // Nothing could ever activate a node with neither.
      const suppliesOnly = outputs.length > 0 && outputs.every((port) => port.kind !== "main");
      expect(takesMain || suppliesOnly).toBe(true);
    }
  });
});

describe("outputs that depend on parameters", () => {
  it("Switch has one output per rule, named by outputKey, plus fallback when asked", () => {
    const switchNode = nodeRegistry.get("hetumind.switch")!;
    const rule = (outputKey?: string) => ({
      outputKey,
      conditions: { conditions: [{ leftValue: "a", rightValue: "a", operator: { type: "string", operation: "equals" } }] },
    });
    const parsed = switchNode.parameters.parse({ rules: { values: [rule("fr"), rule()] }, options: { fallbackOutput: "extra" } });
    expect(outputsOf(switchNode, parsed)).toEqual([
      { kind: "main", name: "fr" },
      { kind: "main", name: "1" },
      { kind: "main", name: "fallback" },
    ]);
    expect(outputsOf(switchNode, switchNode.parameters.parse({ rules: { values: [rule()] } }))).toHaveLength(1);
  });
});
