import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentToolCallContext } from "@/lib/ai/agent-tool";
import { ToolArgumentsError } from "@/lib/ai/json-schema";
import { ToolConfigError, ToolExecutionError, createHttpRequestTool } from "@/lib/ai/tools";
import { HetumindError } from "@/lib/errors";
import { startEchoServer, type EchoServer } from "@/tests/fixtures/http-echo-server";

let echo: EchoServer;
const local = { allowPrivateNetwork: true };

function callContext(id = "call-1"): AgentToolCallContext {
  return { signal: new AbortController().signal, toolCallId: id, idempotencyKey: `exec-1:Agent:${id}` };
}

async function failure(promise: Promise<unknown>): Promise<HetumindError> {
  const error = await promise.then(
    () => new Error("expected a failure"),
    (reason: unknown) => reason,
  );
  if (!HetumindError.isInstance(error)) throw error;
  return error;
}

interface Echoed {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  json?: unknown;
  body: string;
}

beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(async () => {
  await echo.close();
});

describe("HTTP Request tool", () => {
  it("offers the declared placeholders as the model's JSON schema", () => {
    const tool = createHttpRequestTool({
      name: "get_order",
      description: "Fetches an order",
      method: "GET",
      url: `${echo.url}/orders/{orderId}`,
      query: [{ name: "expand", value: "{expand}" }],
      placeholders: [
        { name: "orderId", type: "string", description: "The order id" },
        { name: "expand", type: "boolean", required: false },
      ],
    });
    expect(tool.inputSchema).toEqual({
      type: "object",
      properties: { orderId: { type: "string", description: "The order id" }, expand: { type: "boolean" } },
      required: ["orderId"],
      additionalProperties: false,
    });
  });

  it("fills URL (encoded), query, headers and a typed JSON body, and sends the call's Idempotency-Key", async () => {
    const tool = createHttpRequestTool({
      name: "create_ticket",
      description: "Creates a ticket",
      method: "POST",
      url: `${echo.url}/customers/{customer}/tickets`,
      query: [
        { name: "priority", value: "{priority}" },
        { name: "note", value: "from {customer}" },
        { name: "tag", value: "{tag}" },
      ],
      headers: [{ name: "X-Source", value: "agent-{customer}" }],
      body: { type: "json", template: { title: "{title}", count: "{count}", labels: ["{label}", "fixed"], meta: { text: "about {title}" }, tag: "{tag}" } },
      placeholders: [
        { name: "customer", type: "string" },
        { name: "priority", type: "integer" },
        { name: "title", type: "string" },
        { name: "count", type: "number" },
        { name: "label", type: "json" },
        { name: "tag", type: "string", required: false },
      ],
      authHeaders: { Authorization: "Bearer from-credential" },
      network: local,
    });
    const result = (await tool.call(
      { customer: "a/b c", priority: 2, title: "Broken", count: 1.5, label: { severity: "high" } },
      callContext(),
    )) as unknown as Echoed;
    expect(result.method).toBe("POST");
    expect(result.path).toBe("/customers/a%2Fb%20c/tickets");
    expect(result.query).toEqual({ priority: "2", note: "from a/b c" });
    expect(result.headers["x-source"]).toBe("agent-a/b c");
    expect(result.headers.authorization).toBe("Bearer from-credential");
    expect(result.headers["idempotency-key"]).toBe("exec-1:Agent:call-1");
    expect(result.headers["content-type"]).toBe("application/json");
    expect(result.json).toEqual({ title: "Broken", count: 1.5, labels: [{ severity: "high" }, "fixed"], meta: { text: "about Broken" } });
    expect(echo.idempotencyCounts()["exec-1:Agent:call-1"]).toBe(1);
  });

  it("sends form bodies and raw bodies", async () => {
    const form = createHttpRequestTool({
      name: "form",
      description: "",
      method: "POST",
      url: `${echo.url}/form`,
      body: { type: "form-urlencoded", fields: [{ name: "q", value: "{q}" }, { name: "lang", value: "en" }] },
      placeholders: [{ name: "q", type: "string" }],
      network: local,
    });
    expect(((await form.call({ q: "a&b" }, callContext())) as unknown as Echoed).body).toBe("q=a%26b&lang=en");
    const raw = createHttpRequestTool({
      name: "raw",
      description: "",
      method: "PUT",
      url: `${echo.url}/raw`,
      body: { type: "raw", contentType: "text/plain", content: "Hello {who}" },
      placeholders: [{ name: "who", type: "string" }],
      network: local,
    });
    const echoed = (await raw.call({ who: "world" }, callContext())) as unknown as Echoed;
    expect(echoed.body).toBe("Hello world");
    expect(echoed.headers["content-type"]).toBe("text/plain");
  });

  it("refuses arguments that do not match the schema before sending anything", async () => {
    const before = echo.requests().length;
    const tool = createHttpRequestTool({
      name: "get_order",
      description: "",
      method: "GET",
      url: `${echo.url}/orders/{orderId}`,
      placeholders: [{ name: "orderId", type: "integer" }],
      network: local,
    });
    const error = await failure(tool.call({ orderId: "seven", extra: true }, callContext()));
    expect(error).toBeInstanceOf(ToolArgumentsError);
    expect(error.message).toContain('/orderId: must be integer');
    expect(error.message).toContain("must not have property 'extra'");
    expect(echo.requests().length).toBe(before);
  });

  it("returns text responses as text, cut to the limit, and an error status as a tool error", async () => {
    const text = createHttpRequestTool({ name: "big", description: "", method: "GET", url: `${echo.url}/large/100`, maxResponseChars: 10, network: local });
    expect(await text.call({}, callContext())).toBe("xxxxxxxxxx\n[truncated: the response had 100 characters]");
    const missing = createHttpRequestTool({ name: "missing", description: "", method: "GET", url: `${echo.url}/status/404`, network: local });
    const error = await failure(missing.call({}, callContext()));
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect(error.code).toBe("tool_http_status");
    expect(error.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/status\/404 answered 404 Not Found: /);
  });

  it("goes through the guarded fetch: a private address is refused without the flag", async () => {
    delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
    const tool = createHttpRequestTool({ name: "internal", description: "", method: "GET", url: `${echo.url}/x` });
    const error = await failure(tool.call({}, callContext()));
    expect(error.code).toBe("network_refused");
  });

  it("refuses undeclared placeholders and invalid names when the tool is built", () => {
    expect(() => createHttpRequestTool({ name: "t", description: "", method: "GET", url: "https://example.com/{id}" })).toThrow(
      'Tool "t": placeholder {id} is used but not declared',
    );
    expect(() => createHttpRequestTool({ name: "bad name", description: "", method: "GET", url: "https://example.com/" })).toThrow(ToolConfigError);
  });
});
