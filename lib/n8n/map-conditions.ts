/** n8n's conditions: the v2 "filter" shape is ours already; the v1 shape (If/Filter v1) is translated to it. */
import { isRecord, record, type Parameters } from "./values";

/** If v2 / Filter v2 / Switch v3 conditions -> ours (n8n's extra options such as typeValidation are dropped). */
export function conditionsV2(value: unknown, ignoreCase?: unknown): Parameters {
  const conditions = record(value);
  const options = record(conditions.options);
  const caseSensitive = ignoreCase === true ? false : options.caseSensitive;
  return {
    combinator: conditions.combinator ?? "and",
    conditions: Array.isArray(conditions.conditions)
      ? conditions.conditions.map((condition) => {
          const entry = record(condition);
          const operator = record(entry.operator);
          return {
            ...(entry.id === undefined ? {} : { id: entry.id }),
            leftValue: entry.leftValue ?? "",
            rightValue: entry.rightValue ?? "",
            operator: { type: operator.type, operation: operator.operation, ...(operator.singleValue === undefined ? {} : { singleValue: operator.singleValue }) },
          };
        })
      : [],
    ...(caseSensitive === undefined ? {} : { options: { caseSensitive } }),
  };
}

const V1_OPERATIONS: Record<string, Record<string, string>> = {
  string: { equal: "equals", notEqual: "notEquals", contains: "contains", notContains: "notContains", startsWith: "startsWith", notStartsWith: "notStartsWith", endsWith: "endsWith", notEndsWith: "notEndsWith", regex: "regex", notRegex: "notRegex", isEmpty: "empty", isNotEmpty: "notEmpty" },
  number: { equal: "equals", notEqual: "notEquals", smaller: "lt", smallerEqual: "lte", larger: "gt", largerEqual: "gte", isEmpty: "empty", isNotEmpty: "notEmpty" },
  boolean: { equal: "equals", notEqual: "notEquals" },
  dateTime: { after: "after", before: "before" },
};

/** If v1 / Filter v1: `{ string: [{ value1, operation, value2 }], number: [...] }` + `combineOperation` -> ours. Throws on an operation we lack. */
export function conditionsV1(value: unknown, combineOperation: unknown): Parameters {
  const groups = record(value);
  const conditions: Parameters[] = [];
  for (const [type, list] of Object.entries(groups)) {
    if (!Array.isArray(list)) continue;
    for (const condition of list) {
      if (!isRecord(condition)) continue;
      const operation = V1_OPERATIONS[type]?.[String(condition.operation ?? "equal")];
      if (!operation) throw new Error(`the ${type} condition "${String(condition.operation)}" of n8n's If v1 has no equivalent`);
      const singleValue = operation === "empty" || operation === "notEmpty";
      conditions.push({
        leftValue: condition.value1 ?? "",
        rightValue: singleValue ? "" : (condition.value2 ?? ""),
        operator: { type, operation, ...(singleValue ? { singleValue: true } : {}) },
      });
    }
  }
  return { combinator: combineOperation === "any" ? "or" : "and", conditions };
}
