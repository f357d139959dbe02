import type { z } from "zod";
import { NodeExecutionError } from "@/lib/errors";
import { isTemplate, resolveTemplate, type ExpressionData } from "@/lib/workflow/expressions";

type PathKey = string | number;

interface TemplateLeaf {
  path: PathKey[];
  /** `conditions.conditions[0].leftValue`: how errors name the parameter. */
  label: string;
  template: string;
}

/**
 * How a node's parameters are resolved for each item, planned once per node: the template leaves (`{{ }}` strings) and
 * their paths. Per item only the leaves are evaluated; the parsed result is cached by the leaves' values for the length
 * of one node run, so an If over 10,000 items whose `{{ $json.v }}` takes 10 distinct values parses its schema 10 times.
 */
export class ParameterPlan {
  private readonly leaves: TemplateLeaf[] = [];

  constructor(
    private readonly parameters: Record<string, unknown>,
    private readonly schema: z.ZodType,
    private readonly node: string,
    rawKeys: readonly string[],
  ) {
    for (const [key, value] of Object.entries(parameters)) {
      if (!rawKeys.includes(key)) this.collect(value, [key], key);
    }
  }

  get hasTemplates(): boolean {
    return this.leaves.length > 0;
  }

  private collect(value: unknown, path: PathKey[], label: string): void {
    if (typeof value === "string") {
      if (isTemplate(value)) this.leaves.push({ path, label, template: value });
    } else if (Array.isArray(value)) {
      value.forEach((element, index) => this.collect(element, [...path, index], `${label}[${index}]`));
    } else if (value !== null && typeof value === "object") {
      for (const [key, element] of Object.entries(value)) this.collect(element, [...path, key], `${label}.${key}`);
    }
  }

  /** A resolver for one node run: `(itemIndex) => parsed parameters`, with its own cache. */
  resolver(dataFor: (itemIndex: number) => ExpressionData): (itemIndex: number) => unknown {
    const byValues = new Map<string, unknown>();
    return (itemIndex) => {
      const data = dataFor(itemIndex);
      const values = this.leaves.map((leaf) => resolveTemplate(leaf.template, data, { node: this.node, parameter: leaf.label }));
      const key = JSON.stringify(values);
      if (byValues.has(key)) return byValues.get(key);
      const resolved = this.substitute(values);
      const parsed = this.schema.safeParse(resolved);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const parameter = issue.path.map(String).join(".");
        throw new NodeExecutionError(`Node "${this.node}": parameter "${parameter}" (item ${itemIndex}): ${issue.message}`, { node: this.node, parameter }, { code: "parameter_invalid" });
      }
      if (byValues.size < 10_000) byValues.set(key, parsed.data);
      return parsed.data;
    };
  }

  private substitute(values: unknown[]): Record<string, unknown> {
    const copy = structuredClone(this.parameters);
    this.leaves.forEach((leaf, index) => {
      let target = copy as Record<PathKey, unknown>;
      for (const key of leaf.path.slice(0, -1)) target = target[key] as Record<PathKey, unknown>;
      target[leaf.path[leaf.path.length - 1]] = values[index];
    });
    return copy;
  }
}
