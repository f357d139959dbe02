/**
 * JSON Schema for agent tools: validating the arguments a model sends against a tool's `inputSchema` (ajv, validators
 * compiled once per schema and cached), and turning our own zod schemas into JSON Schema for the model.
 *
 * Problems come back as `{ path, message }` pairs and one text a model can act on:
 *   `The arguments do not match the tool's input schema: /limit: must be <= 100; (root): must have required property 'query'`
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { z } from "zod";
import { HetumindError } from "@/lib/errors";
import { isJsonObject, type JsonObject, type JsonValue } from "@/lib/workflow/items";

export interface SchemaProblem {
  /** JSON Pointer into the arguments (`/items/0/name`); `""` is the arguments object itself. */
  path: string;
  message: string;
}

export type ArgumentsValidation = { valid: true; value: JsonValue } | { valid: false; problems: SchemaProblem[]; message: string };

/** A tool's `inputSchema` is not a schema ajv can compile. */
export class JsonSchemaError extends HetumindError {
  constructor(message: string, fields: { tool?: string; node?: string } = {}, options?: { cause?: unknown }) {
    super("json_schema_invalid", message, fields, options);
  }
}

/** The arguments a model sent do not match the tool's schema. The message is meant to go back to the model. */
export class ToolArgumentsError extends HetumindError {
  readonly problems: SchemaProblem[];
  constructor(message: string, problems: SchemaProblem[], fields: { tool?: string } = {}) {
    super("tool_arguments_invalid", message, { ...fields, problems }, {});
    this.problems = problems;
  }
}

// ajv-formats is CommonJS with `module.exports = formatsPlugin` and a `default` alongside; take whichever the bundler gives.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

const AJV_OPTIONS = {
  allErrors: true,
  // MCP servers and users write schemas with keywords ajv does not know (`title` variants, `examples`, vendor keys).
  strict: false,
  // The arguments a model sends are validated, never changed.
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
} as const;

let draft7: Ajv | undefined;
let draft2020: Ajv | undefined;

function ajvFor(schema: JsonObject): Ajv {
  const dialect = typeof schema.$schema === "string" ? schema.$schema : "";
  if (/draft-0[4-7]/.test(dialect)) {
    draft7 ??= addFormats(new Ajv(AJV_OPTIONS));
    return draft7;
  }
  draft2020 ??= addFormats(new Ajv2020(AJV_OPTIONS) as unknown as Ajv);
  return draft2020;
}

const MAX_CACHED_VALIDATORS = 500;
const validators = new Map<string, ValidateFunction>();

/** The validator for `schema`, compiled on first use (by the schema's JSON text) and kept (the last 500). */
export function compileSchema(schema: JsonObject, tool?: string): ValidateFunction {
  const key = JSON.stringify(schema);
  const cached = validators.get(key);
  if (cached) {
    validators.delete(key);
    validators.set(key, cached);
    return cached;
  }
  let validate: ValidateFunction;
  try {
    // `$id` would register the schema globally in ajv and clash on the second compile of a same-id schema with other content.
    const { $id: _id, ...withoutId } = schema;
    validate = ajvFor(schema).compile(withoutId);
  } catch (error) {
    throw new JsonSchemaError(
      `${tool ? `The input schema of tool "${tool}"` : "The JSON schema"} is invalid: ${(error as Error).message}`,
      tool ? { tool } : {},
      { cause: error },
    );
  }
  validators.set(key, validate);
  if (validators.size > MAX_CACHED_VALIDATORS) validators.delete(validators.keys().next().value as string);
  return validate;
}

function problemOf(error: ErrorObject): SchemaProblem {
  let message = error.message ?? "is invalid";
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties" && typeof params.additionalProperty === "string") {
    message = `must not have property '${params.additionalProperty}'`;
  } else if (error.keyword === "enum" && Array.isArray(params.allowedValues)) {
    message = `must be one of ${params.allowedValues.map((value) => JSON.stringify(value)).join(", ")}`;
  }
  return { path: error.instancePath, message };
}

/** Formats problems as one line per problem, `(root)` for the arguments object itself. */
export function describeProblems(problems: SchemaProblem[]): string {
  return problems.map((problem) => `${problem.path || "(root)"}: ${problem.message}`).join("; ");
}

/** Validates `args` against `schema`. Never throws for bad arguments; throws `JsonSchemaError` for a bad schema. */
export function validateArguments(schema: JsonObject, args: JsonValue, tool?: string): ArgumentsValidation {
  const validate = compileSchema(schema, tool);
  if (validate(args)) return { valid: true, value: args };
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of validate.errors ?? []) {
    // `anyOf`/`oneOf` report each branch and then themselves; the branches say more, the summary line is kept once.
    const problem = problemOf(error);
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  const message = `The arguments do not match the input schema${tool ? ` of tool "${tool}"` : ""}: ${describeProblems(problems)}`;
  return { valid: false, problems, message };
}

/** Like `validateArguments`, but throws `ToolArgumentsError` (whose message is fit for the model) when they do not match. */
export function assertArguments(schema: JsonObject, args: JsonValue, tool?: string): JsonValue {
  const result = validateArguments(schema, args, tool);
  if (!result.valid) throw new ToolArgumentsError(result.message, result.problems, tool ? { tool } : {});
  return result.value;
}

/**
 * A zod schema as the JSON Schema (draft 2020-12) a model is offered: the input side of transforms, `$schema` kept so
 * `validateArguments` picks the right dialect. Things JSON Schema cannot say (a transform's output, a refinement) are left
 * open; the zod schema stays the real check for our own tools.
 */
export function zodToJsonSchema(schema: z.ZodType): JsonObject {
  const result = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as unknown;
  if (!isJsonObject(result as JsonValue)) throw new JsonSchemaError("zod produced a JSON schema that is not an object");
  return result as JsonObject;
}

/**
 * A JSON schema that accepts values shaped like `example` (n8n's "generate from JSON example"): objects with the same
 * properties (all required unless `required: false`), arrays of the first element's shape, and the scalar types.
 * Numbers are "number" (an example's 3 does not forbid 3.5); `null` allows anything.
 */
export function schemaFromExample(example: JsonValue, options: { required?: boolean } = {}): JsonObject {
  const required = options.required ?? true;
  if (example === null) return {};
  if (Array.isArray(example)) return { type: "array", items: example.length > 0 ? schemaFromExample(example[0]!, options) : {} };
  if (typeof example === "object") {
    const properties: JsonObject = {};
    for (const [key, value] of Object.entries(example)) properties[key] = schemaFromExample(value, options);
    return { type: "object", properties, ...(required ? { required: Object.keys(example) } : {}) };
  }
  return { type: typeof example === "number" ? "number" : typeof example === "boolean" ? "boolean" : "string" };
}

/** The schema of a tool that takes no arguments: an empty object. */
export const EMPTY_OBJECT_SCHEMA: JsonObject = { type: "object", properties: {}, additionalProperties: false };
