import { z } from "zod";
import type { JsonValue } from "@/lib/workflow/items";
import { HetumindError } from "@/lib/errors";

/**
 * Conditions shared by If, Filter and Switch, in n8n's "filter" parameter shape:
 * `{ combinator: "and" | "or", conditions: [{ leftValue, rightValue, operator: { type, operation } }] }`.
 * `leftValue` is usually an expression (`{{ $json.v }}`), already resolved when a condition is evaluated.
 */
export const OPERATIONS = {
  string: ["equals", "notEquals", "contains", "notContains", "startsWith", "notStartsWith", "endsWith", "notEndsWith", "regex", "notRegex", "empty", "notEmpty", "exists", "notExists"],
  number: ["equals", "notEquals", "gt", "lt", "gte", "lte", "empty", "notEmpty", "exists", "notExists"],
  boolean: ["true", "false", "equals", "notEquals", "empty", "notEmpty", "exists", "notExists"],
  dateTime: ["equals", "notEquals", "after", "before", "afterOrEquals", "beforeOrEquals", "empty", "notEmpty", "exists", "notExists"],
  array: ["contains", "notContains", "lengthEquals", "lengthGt", "lengthLt", "empty", "notEmpty", "exists", "notExists"],
  object: ["empty", "notEmpty", "exists", "notExists"],
} as const;

export type OperatorType = keyof typeof OPERATIONS;

const jsonValue: z.ZodType<JsonValue> = z.json();

export const conditionSchema = z
  .object({
    id: z.string().optional(),
    leftValue: jsonValue.optional(),
    rightValue: jsonValue.optional(),
    operator: z.object({
      type: z.enum(Object.keys(OPERATIONS) as [OperatorType, ...OperatorType[]]),
      operation: z.string(),
      singleValue: z.boolean().optional(),
    }),
  })
  .superRefine((condition, context) => {
    const allowed: readonly string[] = OPERATIONS[condition.operator.type];
    if (!allowed.includes(condition.operator.operation)) {
      context.addIssue({
        code: "custom",
        path: ["operator", "operation"],
        message: `"${condition.operator.operation}" is not an operation of type ${condition.operator.type} (one of: ${allowed.join(", ")})`,
      });
    }
  });

export const conditionsSchema = z.object({
  combinator: z.enum(["and", "or"]).default("and"),
  conditions: z.array(conditionSchema).min(1, "add at least one condition"),
  options: z.object({ caseSensitive: z.boolean().default(true) }).partial().optional(),
});

export type Condition = z.infer<typeof conditionSchema>;
export type Conditions = z.infer<typeof conditionsSchema>;

/** A value does not have the type its condition compares as. The engine adds the node's name. */
export class ConditionTypeError extends HetumindError {
  constructor(index: number, detail: string) {
    super("condition_type", `condition ${index + 1}: ${detail}`, { parameter: `conditions.conditions[${index}]` });
  }
}

function isEmpty(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

function toNumber(value: JsonValue | undefined, index: number, side: string): number {
  const number = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (Number.isNaN(number)) throw new ConditionTypeError(index, `${side} value ${JSON.stringify(value)} is not a number`);
  return number;
}

function toDate(value: JsonValue | undefined, index: number, side: string): number {
  const time = typeof value === "string" || typeof value === "number" ? new Date(value).getTime() : NaN;
  if (Number.isNaN(time)) throw new ConditionTypeError(index, `${side} value ${JSON.stringify(value)} is not a date`);
  return time;
}

function toBoolean(value: JsonValue | undefined, index: number, side: string): boolean {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === 1 || value === "1") return true;
  if (value === "false" || value === 0 || value === "0") return false;
  throw new ConditionTypeError(index, `${side} value ${JSON.stringify(value)} is not a boolean`);
}

function compareStrings(condition: Condition, caseSensitive: boolean): boolean {
  const normalise = (value: JsonValue | undefined) => {
    const text = value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
    return caseSensitive ? text : text.toLowerCase();
  };
  const left = normalise(condition.leftValue);
  const right = normalise(condition.rightValue);
  switch (condition.operator.operation) {
    case "equals": return left === right;
    case "notEquals": return left !== right;
    case "contains": return left.includes(right);
    case "notContains": return !left.includes(right);
    case "startsWith": return left.startsWith(right);
    case "notStartsWith": return !left.startsWith(right);
    case "endsWith": return left.endsWith(right);
    case "notEndsWith": return !left.endsWith(right);
    case "regex": return new RegExp(String(condition.rightValue ?? ""), caseSensitive ? "" : "i").test(left);
    case "notRegex": return !new RegExp(String(condition.rightValue ?? ""), caseSensitive ? "" : "i").test(left);
    default: throw new Error(`unhandled string operation ${condition.operator.operation}`);
  }
}

export function evaluateCondition(condition: Condition, index: number, caseSensitive = true): boolean {
  const { operation, type } = condition.operator;
  const left = condition.leftValue;
  switch (operation) {
    case "exists": return left !== undefined && left !== null;
    case "notExists": return left === undefined || left === null;
    case "empty": return isEmpty(left);
    case "notEmpty": return !isEmpty(left);
  }
  switch (type) {
    case "string":
      return compareStrings(condition, caseSensitive);
    case "number": {
      const a = toNumber(left, index, "left");
      const b = toNumber(condition.rightValue, index, "right");
      return { equals: a === b, notEquals: a !== b, gt: a > b, lt: a < b, gte: a >= b, lte: a <= b }[operation as "gt"];
    }
    case "boolean": {
      const a = toBoolean(left, index, "left");
      if (operation === "true") return a;
      if (operation === "false") return !a;
      const b = toBoolean(condition.rightValue, index, "right");
      return operation === "equals" ? a === b : a !== b;
    }
    case "dateTime": {
      const a = toDate(left, index, "left");
      const b = toDate(condition.rightValue, index, "right");
      return { equals: a === b, notEquals: a !== b, after: a > b, before: a < b, afterOrEquals: a >= b, beforeOrEquals: a <= b }[operation as "after"];
    }
    case "array": {
      if (!Array.isArray(left)) throw new ConditionTypeError(index, `left value ${JSON.stringify(left)} is not an array`);
      const right = condition.rightValue;
      switch (operation) {
        case "contains": return left.some((entry) => JSON.stringify(entry) === JSON.stringify(right));
        case "notContains": return !left.some((entry) => JSON.stringify(entry) === JSON.stringify(right));
        case "lengthEquals": return left.length === toNumber(right, index, "right");
        case "lengthGt": return left.length > toNumber(right, index, "right");
        case "lengthLt": return left.length < toNumber(right, index, "right");
      }
      break;
    }
  }
  throw new ConditionTypeError(index, `unsupported operation ${type}.${operation}`);
}

/** Evaluates a condition group; AND short-circuits on the first false, OR on the first true. */
export function evaluateConditions(conditions: Conditions): boolean {
  const caseSensitive = conditions.options?.caseSensitive ?? true;
  return conditions.combinator === "and"
    ? conditions.conditions.every((condition, index) => evaluateCondition(condition, index, caseSensitive))
    : conditions.conditions.some((condition, index) => evaluateCondition(condition, index, caseSensitive));
}
