/** Flow nodes: if, switch, merge, splitInBatches, filter, noOp, wait, stopAndError, executeWorkflow. */
import { conditionsV1, conditionsV2 } from "./map-conditions";
import { unsupported, type MapContext, type MapResult, type MapperTable } from "./mapper";
import { defined, ignoredKeys, locatorValue, number, record, string, type Parameters } from "./values";

function conditionsNode(type: string) {
  return (parameters: Parameters, context: MapContext): MapResult => {
    const options = record(parameters.options);
    if (parameters.looseTypeValidation === true || options.looseTypeValidation === true) context.warn("loose type validation is not supported: values are compared with their own types", "parameters.looseTypeValidation");
    if (context.typeVersion < 2) {
      try {
        return { type, parameters: { conditions: conditionsV1(parameters.conditions, parameters.combineOperation) } };
      } catch (error) {
        return unsupported((error as Error).message);
      }
    }
    return { type, parameters: { conditions: conditionsV2(parameters.conditions, options.ignoreCase) } };
  };
}

function switchNode(parameters: Parameters, context: MapContext): MapResult {
  if (context.typeVersion < 3) return unsupported("Switch v1/v2 (value/rules by data type) is not supported; re-create it with Switch v3 rules");
  if (parameters.mode === "expression") return unsupported('Switch in "expression" mode (output index from an expression) is not supported; use rules');
  const options = record(parameters.options);
  const fallback = options.fallbackOutput;
  if (typeof fallback === "number") return unsupported("a fallback sent to one of the rules' outputs is not supported (none or an extra output are)");
  const rules = Array.isArray(record(parameters.rules).values) ? (record(parameters.rules).values as unknown[]) : [];
  const ignored = ignoredKeys(options, ["fallbackOutput", "allMatchingOutputs", "ignoreCase", "renameFallbackOutput", "looseTypeValidation"]);
  if (ignored.length > 0) context.warn(`options not carried over: ${ignored.join(", ")}`, "parameters.options");
  return {
    type: "hetumind.switch",
    parameters: {
      rules: {
        values: rules.map((rule) => {
          const entry = record(rule);
          return defined({ conditions: conditionsV2(entry.conditions, options.ignoreCase), outputKey: entry.renameOutput === true ? string(entry.outputKey) : undefined });
        }),
      },
      options: { fallbackOutput: fallback === "extra" ? "extra" : "none", allMatchingOutputs: options.allMatchingOutputs === true },
    },
  };
}

function matchFields(parameters: Parameters): { field1: string; field2: string } | { unsupported: string } {
  let pairs: Array<{ field1: string; field2: string }> = [];
  if (parameters.advanced === true || parameters.mergeByFields !== undefined) {
    const values = record(parameters.mergeByFields).values;
    pairs = Array.isArray(values) ? values.map((value) => ({ field1: String(record(value).field1 ?? ""), field2: String(record(value).field2 ?? "") })) : [];
  } else {
    const names = String(parameters.fieldsToMatchString ?? "").split(",").map((name) => name.trim()).filter(Boolean);
    pairs = names.map((name) => ({ field1: name, field2: name }));
  }
  if (pairs.length === 0) return { unsupported: "Merge by fields names no field to match" };
  if (pairs.length > 1) return { unsupported: "Merge on several fields at once is not supported (one pair of fields is)" };
  return pairs[0]!;
}

function merge(parameters: Parameters, context: MapContext): MapResult {
  if ((number(parameters.numberInputs) ?? 2) > 2) return unsupported("a Merge with more than two inputs is not supported");
  const options = record(parameters.options);
  const ignored = ignoredKeys(options, ["includeUnpaired"]);
  if (ignored.length > 0) context.warn(`options not carried over: ${ignored.join(", ")}`, "parameters.options");
  const mode = parameters.mode ?? "append";
  if (context.typeVersion < 2) {
    switch (mode) {
      case "append":
        return { type: "hetumind.merge", parameters: { mode: "append" } };
      case "mergeByIndex":
        return { type: "hetumind.merge", parameters: { mode: "combineByPosition", includeUnpaired: parameters.join === "outer" } };
      case "mergeByKey":
        return { type: "hetumind.merge", parameters: { mode: "combineByFields", field1: parameters.propertyName1, field2: parameters.propertyName2, joinMode: "enrichInput1" } };
      case "passThrough":
        return { type: "hetumind.merge", parameters: { mode: "chooseBranch", useDataOfInput: parameters.output === "input2" ? 2 : 1 } };
      case "wait":
        return { type: "hetumind.merge", parameters: { mode: "chooseBranch", useDataOfInput: 1 } };
      default:
        return unsupported(`Merge v1 mode "${String(mode)}" is not supported`);
    }
  }
  const combineBy = context.typeVersion >= 3 ? (parameters.combineBy ?? "combineByFields") : ({ mergeByFields: "combineByFields", mergeByPosition: "combineByPosition", multiplex: "combineAll" } as Record<string, string>)[String(parameters.combinationMode ?? "mergeByFields")];
  switch (mode) {
    case "append":
      return { type: "hetumind.merge", parameters: { mode: "append" } };
    case "combine":
    case "combineByFields":
    case "combineByPosition": {
      const by = mode === "combine" ? combineBy : mode;
      if (by === "combineByPosition") return { type: "hetumind.merge", parameters: { mode: "combineByPosition", includeUnpaired: options.includeUnpaired === true } };
      if (by !== "combineByFields") return unsupported(`Merge "${String(by)}" (all combinations) is not supported`);
      const fields = matchFields(parameters);
      if ("unsupported" in fields) return unsupported(fields.unsupported);
      if (parameters.outputDataFrom !== undefined && parameters.outputDataFrom !== "both") context.warn(`output data from "${String(parameters.outputDataFrom)}" is not supported; both inputs' non-matches are kept`, "parameters.outputDataFrom");
      return { type: "hetumind.merge", parameters: { mode: "combineByFields", ...fields, joinMode: parameters.joinMode ?? "keepMatches" } };
    }
    case "chooseBranch": {
      const output = parameters.output ?? (parameters.chooseBranchMode === undefined ? "input1" : "specifiedInput");
      if (output === "empty") return unsupported('Merge "choose branch" with an empty output is not supported');
      const useDataOfInput = output === "input2" || Number(parameters.useDataOfInput) === 2 ? 2 : 1;
      return { type: "hetumind.merge", parameters: { mode: "chooseBranch", useDataOfInput } };
    }
    default:
      return unsupported(`Merge mode "${String(mode)}" is not supported (SQL queries are not)`);
  }
}

function splitInBatches(parameters: Parameters, context: MapContext): MapResult {
  if (context.typeVersion < 3) return unsupported("Split In Batches v1/v2 (one output) is not supported; use Loop Over Items (v3: outputs done and loop)");
  if (record(parameters.options).reset !== undefined) context.warn("the reset option is not supported", "parameters.options.reset");
  return { type: "hetumind.splitInBatches", parameters: { batchSize: parameters.batchSize ?? 1 } };
}

function wait(parameters: Parameters, context: MapContext): MapResult {
  const resume = parameters.resume ?? "timeInterval";
  if (resume === "timeInterval") return { type: "hetumind.wait", parameters: { resume, amount: parameters.amount ?? 1, unit: parameters.unit ?? "hours" } };
  if (resume === "specificTime") return { type: "hetumind.wait", parameters: { resume, dateTime: parameters.dateTime } };
  if (resume === "webhook" || resume === "form") context.warn("a Human Approval node (approve/reject from the UI) is the nearest equivalent", "parameters.resume");
  return unsupported(`resuming on "${String(resume)}" is not supported (a time interval or a date is)`);
}

function stopAndError(parameters: Parameters): MapResult {
  return { type: "hetumind.stopAndError", parameters: defined({ errorType: parameters.errorType, errorMessage: parameters.errorMessage, errorObject: parameters.errorObject }) };
}

function executeWorkflow(parameters: Parameters, context: MapContext): MapResult {
  const source = parameters.source ?? "database";
  const options = record(parameters.options);
  if (options.waitForSubWorkflow === false) context.warn("not waiting for the sub-workflow is not supported: it runs to the end first", "parameters.options.waitForSubWorkflow");
  if (parameters.mode === "each") context.warn('"run once for each item" is not supported: the sub-workflow runs once with all items', "parameters.mode");
  if (record(parameters.workflowInputs).value !== undefined && Object.keys(record(record(parameters.workflowInputs).value)).length > 0) {
    context.warn("workflow input mappings are not supported: the sub-workflow receives the input items", "parameters.workflowInputs");
  }
  if (source === "database") {
    const workflowId = string(locatorValue(parameters.workflowId));
    context.warn(`the sub-workflow is n8n's workflow ${workflowId ? `"${workflowId}"` : "(none given)"}: import it too and set workflowId to its id here`, "parameters.workflowId");
    return { type: "hetumind.executeWorkflow", parameters: defined({ source: "database", workflowId }) };
  }
  if (source === "localFile") return { type: "hetumind.executeWorkflow", parameters: defined({ source, workflowPath: parameters.workflowPath }) };
  return unsupported(`a sub-workflow from "${String(source)}" is not supported (from the database or a local file is)`);
}

export const flowMappers: MapperTable = {
  "n8n-nodes-base.if": { map: conditionsNode("hetumind.if") },
  "n8n-nodes-base.filter": { map: conditionsNode("hetumind.filter") },
  "n8n-nodes-base.switch": { map: switchNode },
  "n8n-nodes-base.merge": { map: merge },
  "n8n-nodes-base.splitInBatches": { map: splitInBatches },
  "n8n-nodes-base.noOp": { map: () => ({ type: "hetumind.noOp", parameters: {} }) },
  "n8n-nodes-base.wait": { map: wait },
  "n8n-nodes-base.stopAndError": { map: stopAndError },
  "n8n-nodes-base.executeWorkflow": { map: executeWorkflow },
};
