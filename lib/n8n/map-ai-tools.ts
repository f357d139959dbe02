/** Agent tools: toolHttpRequest, toolCode, toolWorkflow, mcpClientTool, toolCalculator. */
import { genericHttpAuth, mapHttpAuthQueryHeaders, unsupported, type MapContext, type MapResult, type MapperTable } from "./mapper";
import { defined, ignoredKeys, isRecord, locatorValue, record, string, type Parameters } from "./values";

const PLACEHOLDER_TYPES: Record<string, string> = { string: "string", number: "number", boolean: "boolean", json: "json", "not specified": "string" };

/**
 * n8n's HTTP tool parameters `{ values: [{ name, valueProvider, value }] }`: a fixed value, or one the model fills
 * (`modelRequired` / `modelOptional`) — ours is a `{name}` placeholder, declared with `required`.
 */
function toolValues(value: unknown, placeholders: Map<string, Parameters>): Array<{ name: string; value: string }> {
  const list = record(value).values;
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((entry) => {
    const name = String(entry.name ?? "");
    const provider = entry.valueProvider ?? "modelRequired";
    if (provider === "fieldValue") return { name, value: String(entry.value ?? "") };
    if (!placeholders.has(name)) placeholders.set(name, { name, type: "string", required: provider !== "modelOptional" });
    return { name, value: `{${name}}` };
  });
}

function toolHttpRequest(parameters: Parameters, context: MapContext): MapResult {
  const auth = genericHttpAuth(parameters, context);
  if ("unsupported" in auth) return unsupported(auth.unsupported);
  const placeholders = new Map<string, Parameters>();
  const result: Parameters = { toolDescription: parameters.toolDescription, method: parameters.method ?? "GET", url: parameters.url, authentication: auth.authentication };
  if (parameters.sendQuery === true) {
    if (parameters.specifyQuery !== undefined && parameters.specifyQuery !== "keypair") return unsupported(`query parameters given as "${String(parameters.specifyQuery)}" are not supported (name/value pairs are)`);
    Object.assign(result, { sendQuery: true, queryParameters: { parameters: toolValues(parameters.parametersQuery, placeholders) } });
  }
  if (parameters.sendHeaders === true) {
    if (parameters.specifyHeaders !== undefined && parameters.specifyHeaders !== "keypair") return unsupported(`headers given as "${String(parameters.specifyHeaders)}" are not supported (name/value pairs are)`);
    Object.assign(result, { sendHeaders: true, headerParameters: { parameters: toolValues(parameters.parametersHeaders, placeholders) } });
  }
  if (parameters.sendBody === true) {
    const contentType = parameters.contentType ?? "json";
    result.sendBody = true;
    result.contentType = contentType;
    if (contentType === "raw") Object.assign(result, defined({ body: parameters.body, rawContentType: parameters.rawContentType }));
    else if (parameters.specifyBody === "json") result.jsonBody = parameters.jsonBody;
    else if (parameters.specifyBody === "model") return unsupported("a body written entirely by the model is not supported; declare its fields as placeholders");
    else if (contentType === "json") {
      // Our JSON body is JSON text with placeholders: build it from the pairs.
      const pairs = toolValues(parameters.parametersBody, placeholders);
      result.jsonBody = JSON.stringify(Object.fromEntries(pairs.map((pair) => [pair.name, pair.value])));
    } else result.bodyParameters = { parameters: toolValues(parameters.parametersBody, placeholders) };
  }
  const declared = record(parameters.placeholderDefinitions).values;
  if (Array.isArray(declared)) {
    for (const entry of declared.filter(isRecord)) {
      const name = String(entry.name ?? "");
      placeholders.set(name, defined({ name, description: string(entry.description), type: PLACEHOLDER_TYPES[String(entry.type ?? "not specified")] ?? "string", required: placeholders.get(name)?.required }));
    }
  }
  if (placeholders.size > 0) result.placeholderDefinitions = { values: [...placeholders.values()] };
  const ignored = ignoredKeys(parameters, ["toolDescription", "method", "url", "authentication", "genericAuthType", "nodeCredentialType", "sendQuery", "specifyQuery", "parametersQuery", "sendHeaders", "specifyHeaders", "parametersHeaders", "sendBody", "contentType", "specifyBody", "parametersBody", "jsonBody", "body", "rawContentType", "placeholderDefinitions"]);
  if (ignored.length > 0) context.warn(`parameters not carried over: ${ignored.join(", ")} (the response is given to the model as it comes, cut at 20,000 characters)`);
  return { type: "hetumind.toolHttpRequest", parameters: result };
}

/**
 * `{{ $fromAI('name', 'description', 'type') }}` (n8n's tool nodes: the model fills the value) -> our `{name}` placeholder,
 * declared once. Only a `{{ }}` holding just that call can become a placeholder.
 */
const FROM_AI = /\{\{\s*\$fromAI\(\s*(['"`])([A-Za-z0-9_-]{1,64})\1\s*(?:,\s*(['"`])((?:(?!\3)[^\\]|\\.)*)\3\s*)?(?:,\s*(['"`])(string|number|boolean|json)\5\s*)?(?:,[^)]*)?\)\s*\}\}/g;

function fromAiToPlaceholders(value: unknown, placeholders: Map<string, Parameters>): unknown {
  if (typeof value === "string") {
    return value.replace(FROM_AI, (_match, _quote, name: string, _descriptionQuote, description: string | undefined, _typeQuote, type: string | undefined) => {
      if (!placeholders.has(name)) placeholders.set(name, defined({ name, description: description || undefined, type: type ?? "string", required: true }));
      return `{${name}}`;
    });
  }
  if (Array.isArray(value)) return value.map((entry) => fromAiToPlaceholders(entry, placeholders));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, fromAiToPlaceholders(entry, placeholders)]));
  return value;
}

function pairsOf(value: unknown): Array<{ name: string; value: string }> {
  const list = record(value).parameters;
  return Array.isArray(list) ? list.filter(isRecord).map((entry) => ({ name: String(entry.name ?? ""), value: entry.value === undefined || entry.value === null ? "" : String(entry.value) })) : [];
}

/** n8n's HTTP Request Tool (`n8n-nodes-base.httpRequestTool`, v4.x): the HTTP Request node's parameters, filled with $fromAI. */
function httpRequestTool(n8nParameters: Parameters, context: MapContext): MapResult {
  if (context.typeVersion < 4) return unsupported("HTTP Request Tool before v4 is not supported");
  const placeholders = new Map<string, Parameters>();
  const parameters = fromAiToPlaceholders(n8nParameters, placeholders) as Parameters;
  if (JSON.stringify(parameters).includes("$fromAI")) return unsupported("$fromAI() inside a larger expression cannot become a placeholder; give it its own {{ }}");
  context.clearWarnings("parameters", "$fromAI");
  const result: Parameters = { toolDescription: parameters.toolDescription ?? "Makes an HTTP request", method: parameters.method ?? "GET", url: parameters.url };
  const refused = mapHttpAuthQueryHeaders(parameters, context, result, pairsOf);
  if (refused) return unsupported(refused);
  if (parameters.sendBody === true) {
    const contentType = parameters.contentType ?? "json";
    if (contentType !== "json" && contentType !== "form-urlencoded" && contentType !== "raw") return unsupported(`a ${String(contentType)} body is not supported (JSON, form-urlencoded and raw are)`);
    Object.assign(result, { sendBody: true, contentType });
    if (contentType === "raw") Object.assign(result, defined({ body: parameters.body, rawContentType: parameters.rawContentType }));
    else if (contentType === "json" && parameters.specifyBody === "json") result.jsonBody = typeof parameters.jsonBody === "string" ? parameters.jsonBody : JSON.stringify(parameters.jsonBody ?? {});
    else if (contentType === "json") result.jsonBody = JSON.stringify(Object.fromEntries(pairsOf(parameters.bodyParameters).map((pair) => [pair.name, pair.value])));
    else result.bodyParameters = { parameters: pairsOf(parameters.bodyParameters) };
  }
  const timeout = record(parameters.options).timeout;
  if (typeof timeout === "number") result.options = { timeout };
  if (placeholders.size > 0) result.placeholderDefinitions = { values: [...placeholders.values()] };
  return { type: "hetumind.toolHttpRequest", parameters: result };
}

const INPUT_SCHEMA_KEYS = ["specifyInputSchema", "schemaType", "jsonSchemaExample", "inputSchema"] as const;

function inputSchemaOf(parameters: Parameters): Parameters {
  return defined(Object.fromEntries(INPUT_SCHEMA_KEYS.map((key) => [key, parameters[key]])));
}

function toolCode(parameters: Parameters): MapResult {
  const language = parameters.language ?? "javaScript";
  if (language !== "javaScript") return unsupported(`a ${String(language)} code tool is not supported (JavaScript is)`);
  return { type: "hetumind.toolCode", parameters: defined({ name: parameters.name, description: parameters.description, jsCode: parameters.jsCode, ...inputSchemaOf(parameters) }) };
}

const WORKFLOW_INPUT_TYPES: Record<string, string> = { string: "string", number: "number", boolean: "boolean", array: "array", object: "object", any: "" };

function toolWorkflow(parameters: Parameters, context: MapContext): MapResult {
  const source = parameters.source ?? "database";
  if (source !== "database") return unsupported(`a workflow tool running a workflow from "${String(source)}" is not supported (from the database is)`);
  const workflowId = string(locatorValue(parameters.workflowId));
  context.warn(`the tool runs n8n's workflow ${workflowId ? `"${workflowId}"` : "(none given)"}: import it too and set workflowId to its id here`, "parameters.workflowId");
  if (Array.isArray(record(parameters.fields).values) && (record(parameters.fields).values as unknown[]).length > 0) context.warn("extra fields for the sub-workflow are not supported", "parameters.fields");
  let schema = inputSchemaOf(parameters);
  // v2: workflowInputs.schema declares the sub-workflow's inputs (the model fills them with $fromAI): our declared schema.
  const inputs = record(parameters.workflowInputs).schema;
  if (Array.isArray(inputs) && inputs.length > 0) {
    const properties = Object.fromEntries(inputs.filter(isRecord).map((input) => {
      const type = WORKFLOW_INPUT_TYPES[String(input.type ?? "string")] ?? "string";
      return [String(input.id ?? input.displayName ?? ""), type ? { type } : {}];
    }));
    context.clearWarnings("parameters.workflowInputs");
    schema = { specifyInputSchema: true, schemaType: "manual", inputSchema: JSON.stringify({ type: "object", properties, required: Object.keys(properties) }) };
  }
  return { type: "hetumind.toolWorkflow", parameters: defined({ name: parameters.name, description: parameters.description, source: "database", workflowId, ...schema }) };
}

function mcpClientTool(parameters: Parameters, context: MapContext): MapResult {
  // v1 had only the SSE transport (`sseEndpoint`); v1.1+ names it in serverTransport.
  const sse = context.typeVersion < 1.1 || parameters.serverTransport === "sse";
  const endpointUrl = sse ? (string(parameters.sseEndpoint) ?? string(parameters.endpointUrl)) : string(parameters.endpointUrl);
  let authentication = parameters.authentication ?? "none";
  if (authentication === "bearerAuth") context.useCredential("httpBearerAuth", "httpBearerAuth");
  else if (authentication === "headerAuth") context.useCredential("httpHeaderAuth", "httpHeaderAuth");
  else if (authentication !== "none") {
    context.warn(`MCP authentication "${String(authentication)}" is not supported (header and bearer auth are): none is used`, "parameters.authentication");
    authentication = "none";
  }
  const options = record(parameters.options);
  return {
    type: "hetumind.mcpClientTool",
    parameters: defined({
      serverTransport: sse ? "sse" : "httpStreamable",
      endpointUrl,
      authentication,
      include: parameters.include,
      includeTools: parameters.includeTools,
      excludeTools: parameters.excludeTools,
      options: typeof options.timeout === "number" ? { timeout: options.timeout } : undefined,
    }),
  };
}

export const toolMappers: MapperTable = {
  "n8n-nodes-base.httpRequestTool": { map: httpRequestTool },
  "@n8n/n8n-nodes-langchain.toolHttpRequest": { map: toolHttpRequest },
  "@n8n/n8n-nodes-langchain.toolCode": { map: toolCode, rawKeys: ["jsCode", "pythonCode"] },
  "@n8n/n8n-nodes-langchain.toolWorkflow": { map: toolWorkflow },
  "@n8n/n8n-nodes-langchain.mcpClientTool": { map: mcpClientTool },
  "@n8n/n8n-nodes-langchain.toolCalculator": { map: () => ({ type: "hetumind.toolCalculator", parameters: {} }) },
};
