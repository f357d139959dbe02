/**
 * The HTTP Request node's `execute`: one request per input item, through the guarded fetch, each carrying
 * `Idempotency-Key: <context.idempotencyKey>:<itemIndex>` so that a replayed segment can be deduplicated by the server.
 */
import { HetumindError, NodeExecutionError } from "../../lib/errors";
import { describeUrl } from "../../lib/net/network-policy";
import { guardedFetch, type GuardedResponse } from "../../lib/net/guarded-fetch";
import { isJsonObject, type Item, type JsonObject, type JsonValue, type NodeOutput } from "../../lib/workflow/items";
import type { ExecuteContext } from "../../lib/workflow/node-definition";
import { type AuthenticationResult, authenticationFromCredential, authenticationFromParameters, CREDENTIAL_TYPE_FOR } from "./authentication";
import { buildRequest, RequestParameterProblem, type HttpRequestPlan } from "./build-request";
import type { HttpRequestParameters } from "./parameters";

export const IDEMPOTENCY_HEADER = "idempotency-key";
const ERROR_BODY_SNIPPET = 300;

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > ERROR_BODY_SNIPPET ? `${flat.slice(0, ERROR_BODY_SNIPPET)}…` : flat;
}

function isJsonContentType(contentType: string | undefined): boolean {
  return /[/+]json\b/i.test(contentType ?? "");
}

function parseBody(response: GuardedResponse, format: HttpRequestParameters["options"]["response"]["responseFormat"], node: string): JsonValue {
  const text = response.text();
  if (format === "text") return text;
  if (format === "json" || (isJsonContentType(response.header("content-type")) && text.trim() !== "")) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch (error) {
      if (format === "autodetect") return text;
      throw new NodeExecutionError(
        `The response from ${describeUrl(new URL(response.url))} is not valid JSON: ${snippet(text)}`,
        { node, parameter: "options.response.responseFormat", url: describeUrl(new URL(response.url)) },
        { cause: error, code: "http_invalid_json" },
      );
    }
  }
  return text;
}

function toItemJson(response: GuardedResponse, body: JsonValue, fullResponse: boolean): JsonObject {
  if (fullResponse) {
    return { statusCode: response.status, statusMessage: response.statusText, headers: response.headers, body };
  }
  if (isJsonObject(body)) return body;
  return { data: body };
}

function failed(context: ExecuteContext<HttpRequestParameters>, plan: HttpRequestPlan, error: unknown): never {
  if (context.signal.aborted) throw error;
  if (HetumindError.isInstance(error)) {
    error.fields.node ??= context.node.name;
    throw error;
  }
  const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
  throw new NodeExecutionError(
    `${plan.method} ${describeUrl(plan.url)} failed: ${reason}`,
    { node: context.node.name, url: describeUrl(plan.url) },
    { cause: error, code: "http_request_failed" },
  );
}

/** Loads each credential type at most once per activation (`undefined`: the node references none of that type). */
type CredentialLoader = (type: string) => Promise<Record<string, string> | undefined>;

function credentialLoader(context: ExecuteContext<HttpRequestParameters>): CredentialLoader {
  const loaded = new Map<string, Promise<Record<string, string> | undefined>>();
  return (type) => {
    let pending = loaded.get(type);
    if (!pending) {
      pending = context.getCredential ? context.getCredential(type) : Promise.resolve(undefined);
      loaded.set(type, pending);
    }
    return pending;
  };
}

/** A referenced credential of the chosen kind wins over the authentication parameters. */
async function resolveAuthentication(parameters: HttpRequestParameters, credential: CredentialLoader): Promise<AuthenticationResult> {
  if (parameters.authentication !== "none") {
    const data = await credential(CREDENTIAL_TYPE_FOR[parameters.authentication]);
    if (data) return authenticationFromCredential(parameters.authentication, data);
  }
  return authenticationFromParameters(parameters);
}

async function requestOne(context: ExecuteContext<HttpRequestParameters>, itemIndex: number, credential: CredentialLoader): Promise<Item> {
  const parameters = context.parameters(itemIndex);
  const node = context.node.name;
  const authentication = await resolveAuthentication(parameters, credential);
  if (!authentication.ok) throw new NodeExecutionError(authentication.message, { node, parameter: authentication.parameter });

  let plan: HttpRequestPlan;
  try {
    plan = buildRequest(parameters, authentication.authentication);
  } catch (error) {
    if (error instanceof RequestParameterProblem) {
      throw new NodeExecutionError(error.message, { node, parameter: error.parameter }, { cause: error, code: "http_invalid_parameter" });
    }
    throw error;
  }
  // A key the user set explicitly wins; otherwise the engine's key, per item.
  plan.headers[IDEMPOTENCY_HEADER] ??= `${context.idempotencyKey}:${itemIndex}`;

  const remaining = context.timeRemaining();
  const timeoutMs = Number.isFinite(remaining) && remaining > 0 ? Math.min(parameters.options.timeout, remaining) : parameters.options.timeout;
  let response: GuardedResponse;
  try {
    response = await guardedFetch(plan.url, {
      method: plan.method,
      headers: plan.headers,
      body: plan.body,
      timeoutMs,
      followRedirects: parameters.options.redirect.followRedirects,
      maxRedirects: parameters.options.redirect.maxRedirects,
      signal: context.signal,
      credentialHeaders: authentication.authentication.type === "headerAuth" ? [authentication.authentication.name] : [],
    });
  } catch (error) {
    failed(context, plan, error);
  }

  if (response.status >= 400) {
    const text = snippet(response.text());
    throw new NodeExecutionError(
      `${plan.method} ${describeUrl(plan.url)} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}` +
        (text ? `: ${text}` : ""),
      { node, url: describeUrl(plan.url), statusCode: response.status, responseBody: text },
      { code: "http_status" },
    );
  }

  const body = parseBody(response, parameters.options.response.responseFormat, node);
  return { json: toItemJson(response, body, parameters.options.response.fullResponse), pairedItem: { item: itemIndex } };
}

export async function executeHttpRequest(context: ExecuteContext<HttpRequestParameters>): Promise<NodeOutput> {
  const output: Item[] = [];
  const credential = credentialLoader(context);
  for (let itemIndex = 0; itemIndex < context.items.length; itemIndex++) {
    context.signal.throwIfAborted();
    output.push(await requestOne(context, itemIndex, credential));
  }
  return [output];
}
