import { beforeAll, describe, expect, it } from "vitest";
import { ExpressionError } from "@/lib/errors";
import { loadSandbox } from "@/lib/sandbox";
import { evaluateExpression } from "@/lib/workflow/expressions";
import type { Item } from "@/lib/workflow/items";
import { expressionData } from "../helpers/node-context";
import { expressionFailure } from "../helpers/sandbox";

const items: Item[] = [
  { json: { id: 1, name: "first" } },
  { json: { id: 2, name: "second" }, binary: { file: { mimeType: "text/plain", data: "aGk=" } } },
  { json: { id: 3, name: "third" } },
];
const fetched: Item[] = [{ json: { title: "A", score: 10 } }, { json: { title: "B", score: 20 } }];
const at = (itemIndex: number) =>
  expressionData({ items, itemIndex, nodeOutputs: { "Fetch Orders": fetched }, workflowNodes: ["Fetch Orders", "Later Node", "Code"] });

beforeAll(async () => {
  await loadSandbox();
});

describe("$json, $input, $itemIndex", () => {
  it("$json is the current item's json", () => {
    expect(evaluateExpression("$json.name", at(1))).toBe("second");
    expect(evaluateExpression("$json", at(2))).toEqual({ id: 3, name: "third" });
  });

  it("$input reads the node's input items", () => {
    expect(evaluateExpression("$input.all().map(item => item.json.id)", at(0))).toEqual([1, 2, 3]);
    expect(evaluateExpression("$input.first().json.name", at(2))).toBe("first");
    expect(evaluateExpression("$input.last().json.name", at(0))).toBe("third");
    expect(evaluateExpression("$input.item.json.name", at(1))).toBe("second");
    expect(evaluateExpression("$input.item.binary.file.mimeType", at(1))).toBe("text/plain");
    expect(evaluateExpression("$itemIndex", at(2))).toBe(2);
  });

  it("$input.all() in an expression evaluated for every item returns the same data each time", () => {
    const totals = items.map((_, index) => evaluateExpression("$input.all().reduce((sum, item) => sum + item.json.id, 0)", at(index)));
    expect(totals).toEqual([6, 6, 6]);
  });

  it("what an expression does to $input.all() does not leak into the next evaluation", () => {
    expect(() => evaluateExpression("$input.all().pop()", at(0))).toThrow(ExpressionError);
    expect(evaluateExpression("$input.all().length", at(1))).toBe(3);
    expect(evaluateExpression("($json.name = 'changed', $json.name)", at(0))).toBe("changed");
    expect(evaluateExpression("$json.name", at(0))).toBe("first");
    expect(items[0].json.name).toBe("first");
  });
});

describe("$('Node') and $node", () => {
  it("pairs .item by position with the current item", () => {
    expect(evaluateExpression("$('Fetch Orders').item.json.title", at(0))).toBe("A");
    expect(evaluateExpression("$('Fetch Orders').item.json.title", at(1))).toBe("B");
    expect(evaluateExpression('$node["Fetch Orders"].json.score', at(1))).toBe(20);
  });

  it("first(), last(), all(), itemMatching()", () => {
    expect(evaluateExpression("$('Fetch Orders').first().json.title", at(2))).toBe("A");
    expect(evaluateExpression("$('Fetch Orders').last().json.title", at(0))).toBe("B");
    expect(evaluateExpression("$('Fetch Orders').all().length", at(0))).toBe(2);
    expect(evaluateExpression("$('Fetch Orders').itemMatching(1).json.score", at(0))).toBe(20);
    expect(evaluateExpression("$items('Fetch Orders').length", at(0))).toBe(2);
  });

  it("says when the paired item does not exist", () => {
    const error = expressionFailure(() => evaluateExpression("$('Fetch Orders').item.json.title", at(2)));
    expect(error.message).toContain(`node "Fetch Orders" has no item at index 2 (it output 2 items)`);
  });

  it("says when a node does not exist, or has not run yet", () => {
    expect(expressionFailure(() => evaluateExpression("$('Nope').item.json", at(0))).message).toContain('Node "Nope" does not exist in this workflow');
    expect(expressionFailure(() => evaluateExpression("$('Later Node').first().json", at(0))).message).toContain(
      `Node "Later Node" has not run yet in this execution, so $('Later Node') has no data`,
    );
    expect(expressionFailure(() => evaluateExpression('$node["Nope"].json.x', at(0))).message).toContain('Node "Nope" does not exist in this workflow');
  });

  it("isExecuted tells whether a node has data", () => {
    expect(evaluateExpression("[$('Fetch Orders').isExecuted, $('Later Node').isExecuted]", at(0))).toEqual([true, false]);
  });
});

describe("$execution, $workflow, $now, $today", () => {
  it("reads the execution and workflow", () => {
    expect(evaluateExpression("$execution.id", at(0))).toBe("exec-1");
    expect(evaluateExpression("$workflow.name + ' / ' + $workflow.id", at(0))).toBe("Orders / wf-1");
  });

  it("$now is a Date (ISO string once it leaves the expression) with Luxon-like helpers, in UTC", () => {
    expect(evaluateExpression("$now", at(0))).toBe("2024-05-06T07:08:09.010Z");
    expect(evaluateExpression("$now.getTime()", at(0))).toBe(Date.parse("2024-05-06T07:08:09.010Z"));
    expect(evaluateExpression("$now.toISO()", at(0))).toBe("2024-05-06T07:08:09.010Z");
    expect(evaluateExpression("$now.toFormat('yyyy-MM-dd HH:mm:ss')", at(0))).toBe("2024-05-06 07:08:09");
    expect(evaluateExpression("$now.plus({ days: 1, hours: 2 }).toISO()", at(0))).toBe("2024-05-07T09:08:09.010Z");
    expect(evaluateExpression("$now.minus({ months: 5 }).toFormat('yyyy-MM')", at(0))).toBe("2023-12");
    expect(evaluateExpression("[$now.year, $now.month, $now.day, $now.weekday]", at(0))).toEqual([2024, 5, 6, 1]);
    expect(evaluateExpression("'at ' + $now.toFormat(\"HH'h'mm\")", at(0))).toBe("at 07h08");
  });

  it("$today is the start of the current UTC day", () => {
    expect(evaluateExpression("$today", at(0))).toBe("2024-05-06T00:00:00.000Z");
    expect(evaluateExpression("$today.toFormat('dd/MM/yyyy')", at(0))).toBe("06/05/2024");
  });
});
