/** Turns one item's resolved HTTP Request parameters into the request to send (URL, method, headers, body). */
import { authenticationHeaders, type HttpAuthentication } from "./authentication";
import type { HttpRequestParameters } from "./parameters";

export interface HttpRequestPlan {
  url: URL;
  method: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string;
}

/** A parameter the user must fix; the caller turns it into a `NodeExecutionError` naming the node. */
export class RequestParameterProblem extends Error {
  constructor(readonly parameter: string, message: string) {
    super(message);
  }
}

type NameValue = HttpRequestParameters["queryParameters"]["parameters"][number];

function named(pairs: NameValue[]): NameValue[] {
  return pairs.filter((pair) => pair.name.trim() !== "");
}

function asText(value: NameValue["value"]): string {
  return value === null ? "" : String(value);
}

function parseJsonBody(jsonBody: HttpRequestParameters["jsonBody"]): unknown {
  if (typeof jsonBody !== "string") return jsonBody;
  try {
    return JSON.parse(jsonBody);
  } catch (error) {
    throw new RequestParameterProblem("jsonBody", `The JSON body is not valid JSON: ${(error as Error).message}`);
  }
}

function buildBody(parameters: HttpRequestParameters): { body: string; contentType: string } {
  if (parameters.contentType === "raw") return { body: parameters.body, contentType: parameters.rawContentType };

  if (parameters.contentType === "json") {
    const value =
      parameters.specifyBody === "json"
        ? parseJsonBody(parameters.jsonBody)
        : Object.fromEntries(named(parameters.bodyParameters.parameters).map((pair) => [pair.name, pair.value]));
    return { body: JSON.stringify(value), contentType: "application/json" };
  }

  const form = new URLSearchParams();
  if (parameters.specifyBody === "json") {
    const value = parseJsonBody(parameters.jsonBody);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new RequestParameterProblem("jsonBody", "A form-urlencoded body given as JSON must be an object");
    }
    for (const [name, entry] of Object.entries(value)) {
      form.append(name, typeof entry === "object" && entry !== null ? JSON.stringify(entry) : String(entry ?? ""));
    }
  } else {
    for (const pair of named(parameters.bodyParameters.parameters)) form.append(pair.name, asText(pair.value));
  }
  return { body: form.toString(), contentType: "application/x-www-form-urlencoded" };
}

export function buildRequest(parameters: HttpRequestParameters, authentication: HttpAuthentication): HttpRequestPlan {
  let url: URL;
  try {
    url = new URL(parameters.url);
  } catch {
    throw new RequestParameterProblem("url", `Invalid URL "${parameters.url.slice(0, 200)}": it must be absolute, like https://example.com/path`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RequestParameterProblem("url", `Only http: and https: URLs are supported (got ${url.protocol})`);
  }
  if (parameters.sendQuery) {
    for (const pair of named(parameters.queryParameters.parameters)) url.searchParams.append(pair.name, asText(pair.value));
  }

  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (parameters.sendBody) {
    const built = buildBody(parameters);
    body = built.body;
    headers["content-type"] = built.contentType;
  }
  if (parameters.sendHeaders) {
    for (const pair of named(parameters.headerParameters.parameters)) headers[pair.name.trim().toLowerCase()] = asText(pair.value);
  }
  Object.assign(headers, authenticationHeaders(authentication));
  return { url, method: parameters.method, headers, body };
}
