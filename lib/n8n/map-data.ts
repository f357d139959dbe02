/** Data nodes: set (Edit Fields), aggregate, splitOut, code, httpRequest. */
import { mapHttpAuthQueryHeaders, unsupported, type MapContext, type MapResult, type MapperTable } from "./mapper";
import { defined, ignoredKeys, isRecord, record, type Parameters } from "./values";

const SET_V3_TYPES: Record<string, string> = { stringValue: "string", numberValue: "number", booleanValue: "boolean", arrayValue: "array", objectValue: "object" };

function valueType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "string";
  return typeof value === "object" ? "object" : typeof value === "number" ? "number" : typeof value === "boolean" ? "boolean" : "string";
}

function set(parameters: Parameters, context: MapContext): MapResult {
  const options = record(parameters.options);
  const ignored = ignoredKeys(options, ["dotNotation", "ignoreConversionErrors"]);
  if (ignored.length > 0) context.warn(`options not carried over: ${ignored.join(", ")}`, "parameters.options");
  const common = defined({ options: options.dotNotation === undefined ? undefined : { dotNotation: options.dotNotation } });
  // v1/v2: values: { string: [{ name, value }], number: [...], boolean: [...] } and keepOnlySet.
  if (context.typeVersion < 3) {
    const assignments: Parameters[] = [];
    for (const [type, list] of Object.entries(record(parameters.values))) {
      if (!Array.isArray(list)) continue;
      for (const entry of list) if (isRecord(entry)) assignments.push({ name: String(entry.name ?? ""), value: entry.value ?? null, type: type === "number" || type === "boolean" ? type : "string" });
    }
    return { type: "hetumind.set", parameters: { ...common, assignments: { assignments }, include: parameters.keepOnlySet === true ? "none" : "all" } };
  }
  let assignments: Parameters[];
  if (parameters.mode === "raw") {
    const json = parameters.jsonOutput;
    let value: unknown = json;
    if (typeof json === "string") {
      if (json.includes("{{")) return unsupported("Edit Fields in JSON mode with expressions inside the JSON is not supported; use manual mapping (one field per assignment)");
      try {
        value = JSON.parse(json);
      } catch (error) {
        return unsupported(`the JSON output is not valid JSON: ${(error as Error).message}`);
      }
    }
    if (!isRecord(value)) return unsupported("the JSON output is not an object");
    assignments = Object.entries(value).map(([name, entry]) => ({ name, value: entry as never, type: valueType(entry) }));
  } else if (context.typeVersion < 3.3 && parameters.fields !== undefined) {
    // v3.0-3.2: fields.values: [{ name, type: "stringValue", stringValue }].
    const values = record(parameters.fields).values;
    assignments = Array.isArray(values)
      ? values.filter(isRecord).map((entry) => {
          const key = String(entry.type ?? "stringValue");
          return { name: String(entry.name ?? ""), value: (entry[key] ?? null) as never, type: SET_V3_TYPES[key] ?? "string" };
        })
      : [];
  } else {
    const list = record(parameters.assignments).assignments;
    assignments = Array.isArray(list) ? list.filter(isRecord).map((entry) => defined({ id: entry.id, name: String(entry.name ?? ""), value: entry.value ?? null, type: entry.type ?? "string" })) : [];
  }
  // v3.3+: other input fields are dropped unless includeOtherFields; before, `include` said it (default all).
  const includeOthers = context.typeVersion >= 3.3 ? parameters.includeOtherFields === true : parameters.include !== "none";
  const include = includeOthers ? (parameters.include ?? "all") : "none";
  return {
    type: "hetumind.set",
    parameters: defined({ ...common, assignments: { assignments }, include, includeFields: include === "selected" ? parameters.includeFields : undefined, excludeFields: include === "except" ? parameters.excludeFields : undefined }),
  };
}

function aggregate(parameters: Parameters, context: MapContext): MapResult {
  const options = record(parameters.options);
  const ignored = ignoredKeys(options, ["keepMissing"]);
  if (ignored.length > 0) context.warn(`options not carried over: ${ignored.join(", ")}`, "parameters.options");
  if (parameters.aggregate === "aggregateAllItemData") {
    if (parameters.include !== undefined && parameters.include !== "allFields") return unsupported(`aggregating only some fields of all item data ("${String(parameters.include)}") is not supported`);
    return { type: "hetumind.aggregate", parameters: defined({ aggregate: "aggregateAllItemData", destinationFieldName: parameters.destinationFieldName }) };
  }
  const list = record(parameters.fieldsToAggregate).fieldToAggregate;
  const fields = Array.isArray(list) ? list.filter(isRecord).map((entry) => defined({ fieldToAggregate: entry.fieldToAggregate, renameField: entry.renameField, outputFieldName: entry.outputFieldName })) : [];
  return { type: "hetumind.aggregate", parameters: defined({ aggregate: "aggregateIndividualFields", fieldsToAggregate: { fieldToAggregate: fields }, options: options.keepMissing === undefined ? undefined : { keepMissing: options.keepMissing } }) };
}

function splitOut(parameters: Parameters, context: MapContext): MapResult {
  const options = record(parameters.options);
  const ignored = ignoredKeys(options, ["destinationFieldName"]);
  if (ignored.length > 0) context.warn(`options not carried over: ${ignored.join(", ")}`, "parameters.options");
  return {
    type: "hetumind.splitOut",
    parameters: defined({ fieldToSplitOut: parameters.fieldToSplitOut, include: parameters.include, fieldsToInclude: parameters.fieldsToInclude, options: options.destinationFieldName === undefined ? undefined : { destinationFieldName: options.destinationFieldName } }),
  };
}

/** n8n Code-node APIs our sandbox does not offer. */
const CODE_UNSUPPORTED: Array<[RegExp, string]> = [
  [/\brequire\s*\(/, "require() (no modules in the sandbox)"],
  [/\$env\b/, "$env"],
  [/this\.helpers\b|\$helpers\b/, "this.helpers"],
  [/\$getWorkflowStaticData\s*\(/, "$getWorkflowStaticData()"],
  [/\bfetch\s*\(/, "fetch() (no network in the sandbox)"],
  [/\$vars\b/, "$vars"],
  [/\bDateTime\./, "Luxon's DateTime"],
];

function code(parameters: Parameters, context: MapContext): MapResult {
  const language = parameters.language ?? "javaScript";
  if (language !== "javaScript") return unsupported(`${String(language)} code is not supported (JavaScript is); the code is kept in the node's n8n parameters`);
  const jsCode = typeof parameters.jsCode === "string" ? parameters.jsCode : undefined;
  for (const [pattern, what] of CODE_UNSUPPORTED) if (jsCode && pattern.test(jsCode)) context.warn(`the code uses ${what}, which the sandbox does not provide`, "parameters.jsCode");
  return { type: "hetumind.code", parameters: defined({ mode: parameters.mode, jsCode }) };
}

function keyPairs(value: unknown): Array<{ name: string; value: unknown }> {
  const list = record(value).parameters;
  return Array.isArray(list) ? list.filter(isRecord).map((entry) => ({ name: String(entry.name ?? ""), value: entry.value ?? "" })) : [];
}

function httpRequest(parameters: Parameters, context: MapContext): MapResult {
  if (context.typeVersion < 4) return unsupported("HTTP Request v1-v3 is not supported; re-create it with v4");
  const result: Parameters = { method: parameters.method ?? "GET", url: parameters.url };
  const refused = mapHttpAuthQueryHeaders(parameters, context, result, keyPairs);
  if (refused) return unsupported(refused);
  if (parameters.sendBody === true) {
    const contentType = parameters.contentType ?? "json";
    if (contentType === "multipart-form-data" || contentType === "binaryData") return unsupported(`a ${String(contentType)} body is not supported (JSON, form-urlencoded and raw are)`);
    result.sendBody = true;
    result.contentType = contentType;
    if (contentType === "raw") Object.assign(result, defined({ body: parameters.body, rawContentType: parameters.rawContentType }));
    else if (contentType === "json" && parameters.specifyBody === "json") Object.assign(result, { specifyBody: "json", jsonBody: parameters.jsonBody ?? "" });
    else Object.assign(result, { specifyBody: "keypair", bodyParameters: { parameters: keyPairs(parameters.bodyParameters) } });
  }
  const options = record(parameters.options);
  const response = record(record(options.response).response);
  const redirect = record(record(options.redirect).redirect);
  const mappedOptions: Parameters = {};
  if (typeof options.timeout === "number") mappedOptions.timeout = options.timeout;
  if (response.fullResponse !== undefined || response.responseFormat !== undefined) {
    if (response.responseFormat === "file") context.warn("a file response is read as text", "parameters.options.response");
    mappedOptions.response = defined({ fullResponse: response.fullResponse, responseFormat: response.responseFormat === "file" ? "text" : response.responseFormat });
  }
  if (response.neverError === true) context.warn('"never error" is not supported: a status >= 400 fails the node (use onError: continue)', "parameters.options.response");
  if (redirect.followRedirects !== undefined || redirect.maxRedirects !== undefined) mappedOptions.redirect = defined({ followRedirects: redirect.followRedirects, maxRedirects: redirect.maxRedirects });
  const ignored = ignoredKeys(options, ["timeout", "response", "redirect"]);
  if (ignored.length > 0) context.warn(`options not carried over: ${ignored.join(", ")}`, "parameters.options");
  if (Object.keys(mappedOptions).length > 0) result.options = mappedOptions;
  return { type: "hetumind.httpRequest", parameters: result };
}

export const dataMappers: MapperTable = {
  "n8n-nodes-base.set": { map: set },
  "n8n-nodes-base.aggregate": { map: aggregate },
  "n8n-nodes-base.splitOut": { map: splitOut },
  "n8n-nodes-base.code": { map: code, rawKeys: ["jsCode", "pythonCode"] },
  "n8n-nodes-base.httpRequest": { map: httpRequest },
};
