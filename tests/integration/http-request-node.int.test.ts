import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpTimeoutError, NetworkPolicyError, NodeExecutionError } from "@/lib/errors";
import type { Item, JsonObject } from "@/lib/workflow/items";
import type { ExecuteContext } from "@/lib/workflow/node-definition";
import { httpRequest } from "@/nodes/http-request/definition";
import type { HttpRequestParameters, HttpRequestParametersInput } from "@/nodes/http-request/parameters";
import { startEchoServer, type EchoServer } from "../fixtures/http-echo-server";

const VARIABLE = "HETUMIND_ALLOW_PRIVATE_NETWORK";
const savedVariable = process.env[VARIABLE];
const IDEMPOTENCY_KEY = "exec-1:HTTP Request:1";
let server: EchoServer;

beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  process.env[VARIABLE] = "true"; // the echo server is on 127.0.0.1
  server.reset();
});
afterEach(() => {
  if (savedVariable === undefined) delete process.env[VARIABLE];
  else process.env[VARIABLE] = savedVariable;
});

type RawParameters = HttpRequestParametersInput | ((item: Item, index: number) => HttpRequestParametersInput);

/** A minimal ExecuteContext: parameters parsed by the node's own schema, per item, as the engine does after expressions. */
function contextFor(
  raw: RawParameters,
  options: { items?: Item[]; signal?: AbortSignal; timeRemaining?: number } = {},
): ExecuteContext<HttpRequestParameters> {
  const items = options.items ?? [{ json: {} }];
  const rawFor = (index: number) => (typeof raw === "function" ? raw(items[index], index) : raw);
  return {
    node: { id: "n1", name: "HTTP Request", type: httpRequest.type },
    execution: { id: "exec-1", mode: "manual", workspaceId: "ws-1" },
    workflow: { name: "test" },
    nodeOutput: () => undefined,
    inputs: [items],
    items,
    parameters: (itemIndex = 0) => httpRequest.parameters.parse(rawFor(itemIndex)),
    rawParameters: rawFor(0) as Record<string, unknown>,
    idempotencyKey: IDEMPOTENCY_KEY,
    attempt: 1,
    signal: options.signal ?? new AbortController().signal,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    pause: () => {
      throw new Error("the HTTP Request node does not pause");
    },
    runWorkflow: async () => {
      throw new Error("the HTTP Request node does not run workflows");
    },
    state: {},
    timeRemaining: () => options.timeRemaining ?? Infinity,
  };
}

async function run(raw: RawParameters, options?: Parameters<typeof contextFor>[1]): Promise<JsonObject[]> {
  const output = await httpRequest.execute(contextFor(raw, options));
  return (output[0] ?? []).map((item) => item.json);
}

async function runOne(raw: RawParameters): Promise<JsonObject> {
  const [json] = await run(raw);
  return json;
}

async function failure(raw: RawParameters, options?: Parameters<typeof contextFor>[1]): Promise<unknown> {
  return run(raw, options).then(
    () => {
      throw new Error("expected the node to fail");
    },
    (reason: unknown) => reason,
  );
}

describe("HTTP Request node", () => {
  it("is declared as a core side-effect node and parses a bare { url }", () => {
    expect(httpRequest).toMatchObject({ type: "hetumind.httpRequest", group: "core", icon: "globe", sideEffects: true });
    expect(httpRequest.inputs).toEqual([{ kind: "main" }]);
    const parsed = httpRequest.parameters.parse({ url: "https://example.com" });
    expect(parsed).toMatchObject({
      method: "GET",
      authentication: "none",
      sendQuery: false,
      sendHeaders: false,
      sendBody: false,
      options: { timeout: 30_000, response: { fullResponse: false, responseFormat: "autodetect" }, redirect: { followRedirects: true, maxRedirects: 5 } },
    });
  });

  it.each(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"] as const)("sends %s", async (method) => {
    await run({ method, url: `${server.url}/echo` });
    expect(server.requests().map((request) => request.method)).toEqual([method]);
  });

  it("outputs the JSON body alone by default, one item per input item, paired with it", async () => {
    const output = await httpRequest.execute(
      contextFor((item) => ({ url: `${server.url}/echo/${String(item.json.id)}` }), { items: [{ json: { id: 1 } }, { json: { id: 2 } }] }),
    );
    const items = output[0] ?? [];
    expect(items.map((item) => item.json.path)).toEqual(["/echo/1", "/echo/2"]);
    expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
  });

  it("sends query parameters, keeping those already in the URL", async () => {
    const json = await runOne({
      url: `${server.url}/echo?a=1`,
      sendQuery: true,
      queryParameters: { parameters: [{ name: "b", value: "two words" }, { name: "c", value: 3 }, { name: "a", value: "again" }] },
    });
    expect(json.query).toEqual({ a: ["1", "again"], b: "two words", c: "3" });
  });

  it("sends headers", async () => {
    const json = await runOne({
      url: `${server.url}/echo`,
      sendHeaders: true,
      headerParameters: { parameters: [{ name: "X-Custom", value: "yes" }, { name: "Accept", value: "application/json" }] },
    });
    expect(json.headers).toMatchObject({ "x-custom": "yes", accept: "application/json" });
  });

  it("sends a JSON body from key-value pairs, from a JSON text and from an object", async () => {
    const keypair = await runOne({
      method: "POST",
      url: `${server.url}/echo`,
      sendBody: true,
      bodyParameters: { parameters: [{ name: "name", value: "Ada" }, { name: "age", value: 36 }, { name: "admin", value: true }] },
    });
    expect(keypair.json).toEqual({ name: "Ada", age: 36, admin: true });
    expect(keypair.headers).toMatchObject({ "content-type": "application/json" });

    const text = await runOne({ method: "POST", url: `${server.url}/echo`, sendBody: true, specifyBody: "json", jsonBody: '{"list":[1,2]}' });
    expect(text.json).toEqual({ list: [1, 2] });

    const object = await runOne({ method: "PUT", url: `${server.url}/echo`, sendBody: true, specifyBody: "json", jsonBody: { nested: { ok: true } } });
    expect(object.json).toEqual({ nested: { ok: true } });
  });

  it("fails on a JSON body that is not JSON, naming the parameter", async () => {
    const error = await failure({ method: "POST", url: `${server.url}/echo`, sendBody: true, specifyBody: "json", jsonBody: "{oops" });
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect((error as NodeExecutionError).fields).toMatchObject({ node: "HTTP Request", parameter: "jsonBody" });
    expect(server.requests()).toHaveLength(0);
  });

  it("sends a form-urlencoded body", async () => {
    const json = await runOne({
      method: "POST",
      url: `${server.url}/echo`,
      sendBody: true,
      contentType: "form-urlencoded",
      bodyParameters: { parameters: [{ name: "a", value: "1 & 2" }, { name: "b", value: "x" }] },
    });
    expect(json.body).toBe("a=1+%26+2&b=x");
    expect(json.headers).toMatchObject({ "content-type": "application/x-www-form-urlencoded" });
  });

  it("sends a raw body with its content type", async () => {
    const json = await runOne({
      method: "POST",
      url: `${server.url}/echo`,
      sendBody: true,
      contentType: "raw",
      body: "<hello/>",
      rawContentType: "application/xml",
    });
    expect(json.body).toBe("<hello/>");
    expect(json.headers).toMatchObject({ "content-type": "application/xml" });
  });

  it("authenticates with a header, with basic auth and with a bearer token", async () => {
    const header = await runOne({ url: `${server.url}/echo`, authentication: "headerAuth", headerAuth: { name: "X-API-Key", value: "k-123" } });
    expect(header.headers).toMatchObject({ "x-api-key": "k-123" });

    const basic = await runOne({ url: `${server.url}/echo`, authentication: "basicAuth", basicAuth: { user: "ada", password: "p:w" } });
    expect(basic.headers).toMatchObject({ authorization: `Basic ${Buffer.from("ada:p:w").toString("base64")}` });

    const bearer = await runOne({ url: `${server.url}/echo`, authentication: "bearerAuth", bearerToken: "t-456" });
    expect(bearer.headers).toMatchObject({ authorization: "Bearer t-456" });
  });

  it("fails when the chosen authentication is incomplete", async () => {
    const error = await failure({ url: `${server.url}/echo`, authentication: "bearerAuth" });
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect((error as NodeExecutionError).fields.parameter).toBe("bearerToken");
  });

  it("sends Idempotency-Key <context key>:<item index> on every request", async () => {
    const items = [{ json: {} }, { json: {} }, { json: {} }];
    await run({ method: "POST", url: `${server.url}/echo` }, { items });
    const keys = [0, 1, 2].map((index) => `${IDEMPOTENCY_KEY}:${index}`);
    expect(server.requests().map((request) => request.headers["idempotency-key"])).toEqual(keys);
    expect(server.idempotencyCounts()).toEqual(Object.fromEntries(keys.map((key) => [key, 1])));

    await run({ method: "POST", url: `${server.url}/echo` }, { items }); // a replay sends the same keys
    expect(server.idempotencyCounts()).toEqual(Object.fromEntries(keys.map((key) => [key, 2])));
  });

  it("outputs the full response when asked", async () => {
    const json = await runOne({ url: `${server.url}/json`, options: { response: { fullResponse: true } } });
    expect(json).toMatchObject({ statusCode: 200, statusMessage: "OK", body: { hello: "world" } });
    expect(json.headers).toMatchObject({ "content-type": "application/json" });
  });

  it("outputs text as { data }, and non-object JSON as { data }", async () => {
    expect(await runOne({ url: `${server.url}/text?body=hi` })).toEqual({ data: "hi" });
    expect(await runOne({ url: `${server.url}/json?body=${encodeURIComponent("[1,2]")}` })).toEqual({ data: [1, 2] });
    expect(await runOne({ url: `${server.url}/json`, options: { response: { responseFormat: "text" } } })).toEqual({
      data: '{"hello":"world"}',
    });
    expect(await runOne({ url: `${server.url}/text?body=${encodeURIComponent('{"x":1}')}`, options: { response: { responseFormat: "json" } } })).toEqual({
      x: 1,
    });
  });

  it("follows redirects by default, and returns the redirect itself when told not to", async () => {
    expect(await runOne({ url: `${server.url}/redirect/2` })).toMatchObject({ path: "/echo" });
    const json = await runOne({
      url: `${server.url}/redirect/2`,
      options: { redirect: { followRedirects: false }, response: { fullResponse: true } },
    });
    expect(json).toMatchObject({ statusCode: 302, headers: { location: "/redirect/1" } });
    const error = await failure({ url: `${server.url}/redirect/3`, options: { redirect: { maxRedirects: 2 } } });
    expect((error as { code?: string }).code).toBe("http_too_many_redirects");
  });

  it("fails on a 4xx or 5xx with the status and a snippet of the body", async () => {
    const notFound = await failure({ url: `${server.url}/status/404` });
    expect(notFound).toBeInstanceOf(NodeExecutionError);
    expect((notFound as NodeExecutionError).message).toContain("answered 404 Not Found");
    expect((notFound as NodeExecutionError).message).toContain("status 404 as requested");
    expect((notFound as NodeExecutionError).fields).toMatchObject({ node: "HTTP Request", statusCode: 404 });

    const serverError = await failure({ url: `${server.url}/status/503?body=${encodeURIComponent("down for maintenance")}` });
    expect((serverError as NodeExecutionError).message).toContain("answered 503 Service Unavailable: down for maintenance");
    expect((serverError as NodeExecutionError).code).toBe("http_status");
  });

  it("fails with HttpTimeoutError past options.timeout", async () => {
    const error = await failure({ url: `${server.url}/delay/10000`, options: { timeout: 100 } });
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect((error as HttpTimeoutError).fields.node).toBe("HTTP Request");
  });

  it("stops when the execution is cancelled", async () => {
    const controller = new AbortController();
    const reason = new Error("execution cancelled");
    setTimeout(() => controller.abort(reason), 20);
    expect(await failure({ url: `${server.url}/delay/10000` }, { signal: controller.signal })).toBe(reason);
  });

  it("goes through the guarded fetch: a private address is refused without HETUMIND_ALLOW_PRIVATE_NETWORK", async () => {
    delete process.env[VARIABLE];
    const error = await failure({ url: `${server.url}/echo` });
    expect(error).toBeInstanceOf(NetworkPolicyError);
    expect((error as NetworkPolicyError).fields).toMatchObject({ node: "HTTP Request", address: "127.0.0.1" });
    expect(server.requests()).toHaveLength(0);
  });

  it("fails on an invalid URL, naming the parameter", async () => {
    const error = await failure({ url: "not a url" });
    expect((error as NodeExecutionError).fields).toMatchObject({ parameter: "url" });
  });

  it("wraps a connection failure in a NodeExecutionError", async () => {
    const closed = await startEchoServer();
    const url = `${closed.url}/echo`;
    await closed.close();
    const error = await failure({ url });
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect((error as NodeExecutionError).message).toContain("ECONNREFUSED");
  });
});
