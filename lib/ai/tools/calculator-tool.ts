/**
 * The Calculator tool: arithmetic, functions, units and constants through mathjs (`2 * (3 + 4)`, `sqrt(2)`,
 * `12.5 cm to inch`, `sin(45 deg)`), in a mathjs instance with everything removed that could run for long, allocate
 * without bound, or change the instance: no `import`, `createUnit`, `evaluate`/`parse`/`compile` from inside an
 * expression, no variable or function definitions (`a = [a, a]` repeated would double a matrix per step), no ranges
 * (`1:1e9`) or matrix builders (`zeros`, `ones`, `identity`, `random([n])`, `kron`, ...), no set products. Expressions
 * are at most 1 000 characters; results are numbers when they are plain numbers, text otherwise.
 */
import type { MathJsInstance } from "mathjs";
import type { AgentTool, AgentToolCallContext } from "@/lib/ai/agent-tool";
import { assertArguments } from "@/lib/ai/json-schema";
import { isJsonObject, type JsonObject, type JsonValue } from "@/lib/workflow/items";
import { assertToolName, ToolExecutionError } from "./errors";

export const MAX_EXPRESSION_LENGTH = 1_000;

const DISABLED = [
  "import",
  "createUnit",
  "evaluate",
  "parse",
  "compile",
  "simplify",
  "simplifyConstant",
  "simplifyCore",
  "derivative",
  "rationalize",
  "resolve",
  "reviver",
  "replacer",
  "range",
  "zeros",
  "ones",
  "identity",
  "random",
  "randomInt",
  "pickRandom",
  "resize",
  "kron",
  "setCartesian",
  "setPowerset",
  "setMultiplicity",
];

let instance: { parse: MathJsInstance["parse"]; format: MathJsInstance["format"] } | undefined;

/**
 * Loads mathjs (a large module: seconds to load on a busy machine, so it is not loaded with the node registry at
 * server start) and builds the restricted instance. `calculate` needs it loaded; the tool's `call` does it.
 */
export async function loadCalculator(): Promise<void> {
  if (instance) return;
  const { all, create } = await import("mathjs");
  instance ??= buildCalculator(create(all, { number: "number", precision: 64 }));
}

function buildCalculator(math: MathJsInstance): NonNullable<typeof instance> {
  const parse = math.parse.bind(math);
  const format = math.format.bind(math);
  const disabled: Record<string, () => never> = {};
  for (const name of DISABLED) {
    disabled[name] = () => {
      throw new Error(`${name} is not available in the calculator`);
    };
  }
  math.import(disabled, { override: true });
  return { parse, format };
}

const inputSchema: JsonObject = {
  type: "object",
  properties: {
    expression: {
      type: "string",
      description: "A math expression, e.g. 2 * (3 + 4), sqrt(16) / 3, 15% of 80 as 0.15 * 80, 5 km to mile, sin(30 deg)",
    },
  },
  required: ["expression"],
  additionalProperties: false,
};

/**
 * Evaluates one expression; throws `ToolExecutionError` with mathjs's message when it cannot. Call `loadCalculator()`
 * once before.
 */
export function calculate(expression: string, tool = "calculator"): JsonValue {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new ToolExecutionError(`The expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, { tool }, { code: "tool_invalid_request" });
  }
  const math = instance;
  if (!math) throw new Error("calculate() before loadCalculator()");
  let result: unknown;
  try {
    const node = math.parse(expression);
    const definitions = node.filter((child) => child.type === "AssignmentNode" || child.type === "FunctionAssignmentNode");
    if (definitions.length > 0) throw new Error("defining variables or functions is not available in the calculator");
    result = node.compile().evaluate(new Map());
  } catch (error) {
    throw new ToolExecutionError(`Cannot calculate "${expression.slice(0, 200)}": ${(error as Error).message}`, { tool }, { cause: error, code: "tool_invalid_request" });
  }
  // Several statements (`1 + 1; 2 * 3`) give a ResultSet: the last one is the answer.
  if (result !== null && typeof result === "object" && Array.isArray((result as { entries?: unknown }).entries)) {
    result = (result as { entries: unknown[] }).entries.at(-1);
  }
  if (typeof result === "number") return Number.isFinite(result) ? result : String(result);
  if (typeof result === "boolean") return result;
  if (typeof result === "function" || result === undefined) {
    throw new ToolExecutionError(`"${expression.slice(0, 200)}" does not compute a value`, { tool }, { code: "tool_invalid_request" });
  }
  return math.format(result, { precision: 14 });
}

export function createCalculatorTool(options: { name?: string; description?: string; node?: string } = {}): AgentTool {
  const tool = assertToolName(options.name ?? "calculator", { node: options.node });
  return {
    name: tool,
    description: options.description ?? "Evaluates a math expression (arithmetic, functions, units and constants) and returns the result. Use it for any calculation.",
    inputSchema,
    pure: true,
    async call(rawArgs: JsonValue, context: AgentToolCallContext): Promise<JsonValue> {
      context.signal.throwIfAborted();
      const args = assertArguments(inputSchema, rawArgs ?? {}, tool);
      const expression = isJsonObject(args) && typeof args.expression === "string" ? args.expression : "";
      await loadCalculator();
      return calculate(expression, tool);
    },
  };
}
