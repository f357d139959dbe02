import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ConflictError, ForbiddenError, InviteInvalidError, LastOwnerError, PasswordPolicyError, RateLimitedError, UnauthenticatedError } from "../../lib/auth/errors";
import { hasRole, requireRole } from "../../lib/auth/roles";
import type { Database } from "../../lib/db/client";
import { HetumindError, NotFoundError, WorkflowValidationError } from "../../lib/errors";
import { errorResponse, parseJsonBody, parseQuery, readJsonBody, route, statusForError } from "../../lib/http";
import type { Logger } from "../../lib/log";

function post(body: BodyInit | null, headers: Record<string, string> = { "content-type": "application/json" }): Request {
  return new Request("http://localhost/api/v1/things", { method: "POST", body, headers });
}

async function caught(promise: Promise<unknown>): Promise<HetumindError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  if (!HetumindError.isInstance(error)) throw new Error(`expected a HetumindError, got ${String(error)}`);
  return error;
}

function recordingLogger(): Logger & { lines: { message: string; fields?: Record<string, unknown> }[] } {
  const lines: { message: string; fields?: Record<string, unknown> }[] = [];
  const logger = {
    lines,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (message: string, fields?: Record<string, unknown>) => void lines.push({ message, fields }),
    child: () => logger,
  };
  return logger;
}

describe("error -> status mapping", () => {
  it.each([
    [new UnauthenticatedError(), 401],
    [new ForbiddenError("no"), 403],
    [new NotFoundError("Workflow", "w1"), 404],
    [new ConflictError("taken"), 409],
    [new LastOwnerError("ws"), 409],
    [new InviteInvalidError("expired", "expired"), 410],
    [new PasswordPolicyError("short"), 422],
    [new WorkflowValidationError([{ path: "nodes", message: "empty", code: "x" }]), 422],
    [new RateLimitedError("slow down", 90_000), 429],
    [new HetumindError("something_new", "unmapped"), 500],
    [new Error("boom"), 500],
    ["a string", 500],
  ])("%s -> %i", (error, status) => {
    expect(statusForError(error)).toBe(status);
  });

  it("429 carries Retry-After in whole seconds", async () => {
    const response = errorResponse(new RateLimitedError("slow down", 1_500));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect((await response.json()).error).toMatchObject({ code: "rate_limited", retryAfterMs: 1_500 });
  });

  it("500 says nothing of the error's internals, and logs them with the request context", async () => {
    const logger = recordingLogger();
    const response = errorResponse(new Error("password=hunter2 at db.internal:5432"), { method: "GET", path: "/api/v1/x", workspaceId: "ws1", logger });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("db.internal");
    const body = JSON.parse(text);
    expect(body.error.code).toBe("internal");
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0].fields).toMatchObject({ requestId: body.error.requestId, method: "GET", path: "/api/v1/x", workspaceId: "ws1" });
    expect(String(logger.lines[0].fields?.errorMessage)).toContain("hunter2");
  });

  it("401 asks for a Bearer token", () => {
    expect(errorResponse(new UnauthenticatedError()).headers.get("www-authenticate")).toContain("Bearer");
  });

  it("roles are ordered viewer < editor < owner; requireRole throws a 403 error", () => {
    expect(hasRole("owner", "editor")).toBe(true);
    expect(hasRole("viewer", "editor")).toBe(false);
    expect(() => requireRole({ role: "editor", workspaceId: "ws" }, "owner")).toThrow(ForbiddenError);
    expect(() => requireRole({ role: "editor", workspaceId: "ws" }, "editor")).not.toThrow();
  });
});

describe("JSON bodies", () => {
  it("parses JSON, with or without a charset", async () => {
    expect(await readJsonBody(post('{"a":1}'))).toEqual({ a: 1 });
    expect(await readJsonBody(post("[1]", { "content-type": "application/json; charset=utf-8" }))).toEqual([1]);
  });

  it("malformed JSON is invalid_json with the parser's reason and position", async () => {
    const error = await caught(readJsonBody(post('{\n  "a": 1,\n}')));
    expect(error.code).toBe("invalid_json");
    expect(error.message).toMatch(/Malformed JSON/);
    expect(error.fields).toMatchObject({ line: 3, column: 1 });
    expect(statusForError(error)).toBe(400);
    expect((await caught(readJsonBody(post("")))).code).toBe("invalid_json");
  });

  it("refuses a body over the limit, by Content-Length and by the bytes actually sent", async () => {
    const big = JSON.stringify({ text: "x".repeat(200) });
    expect((await caught(readJsonBody(post(big), { maxBytes: 100 }))).code).toBe("payload_too_large");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 10; index++) controller.enqueue(new TextEncoder().encode("x".repeat(50)));
        controller.close();
      },
    });
    const streamed = new Request("http://localhost/", { method: "POST", body: stream, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
    const error = await caught(readJsonBody(streamed, { maxBytes: 100 }));
    expect(error.code).toBe("payload_too_large");
    expect(statusForError(error)).toBe(413);
  });

  it("refuses other media types with 415", async () => {
    const error = await caught(readJsonBody(post("a=1", { "content-type": "application/x-www-form-urlencoded" })));
    expect(statusForError(error)).toBe(415);
  });

  it("schema violations list every path and message", async () => {
    const schema = z.object({ name: z.string().min(1), nodes: z.array(z.object({ type: z.string() })), count: z.number().int() });
    const error = await caught(parseJsonBody(post(JSON.stringify({ name: "", nodes: [{ type: 1 }], count: 1.5 })), schema));
    expect(error.code).toBe("validation_failed");
    const problems = (error as unknown as { problems: { path: string; message: string }[] }).problems;
    expect(problems.map((problem) => problem.path).sort()).toEqual(["count", "name", "nodes.0.type"]);
    expect(problems.every((problem) => problem.message.length > 0)).toBe(true);
    const body = await errorResponse(error).json();
    expect(body.error.problems).toHaveLength(3);
  });

  it("queries are validated the same way", () => {
    const schema = z.object({ limit: z.coerce.number().int().max(100), tag: z.array(z.string()).optional() });
    expect(parseQuery(new Request("http://localhost/?limit=5&tag=a&tag=b"), schema)).toEqual({ limit: 5, tag: ["a", "b"] });
    expect(() => parseQuery(new Request("http://localhost/?limit=500"), schema)).toThrow(/limit/);
  });
});

describe("route()", () => {
  const database = async () => ({}) as Database;
  const context = { params: Promise.resolve({ id: "w1" }) };

  it("returns a handler's value as JSON, its Response as is, and nothing as 204", async () => {
    expect(await (await route({ auth: "none", database }, ({ params }) => ({ got: params }))(post(null), context)).json()).toEqual({ got: { id: "w1" } });
    expect((await route({ auth: "none", database }, () => new Response("made", { status: 201 }))(post(null), context)).status).toBe(201);
    expect((await route({ auth: "none", database }, () => undefined)(post(null), context)).status).toBe(204);
  });

  it("maps what a handler throws: bad JSON 400, schema 422, not found 404, unexpected 500", async () => {
    const schema = z.object({ name: z.string() });
    const parse = route({ auth: "none", database }, async ({ request }) => parseJsonBody(request, schema));
    expect((await parse(post("{nope"), context)).status).toBe(400);
    expect((await parse(post('{"name":3}'), context)).status).toBe(422);
    expect((await parse(post('{"name":"ok"}'), context)).status).toBe(200);
    expect((await route({ auth: "none", database }, () => { throw new NotFoundError("Workflow", "w1"); })(post(null), context)).status).toBe(404);
    const logger = recordingLogger();
    const failing = route({ auth: "none", database, logger }, () => { throw new TypeError("internal detail"); });
    const response = await failing(post(null), context);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("internal detail");
    expect(logger.lines).toHaveLength(1);
  });

  it("an authenticated route without credentials is 401 before the handler runs", async () => {
    const handler = vi.fn();
    const response = await route({ auth: "viewer", database }, handler)(new Request("http://localhost/api/v1/x"), context);
    expect(response.status).toBe(401);
    expect(handler).not.toHaveBeenCalled();
  });
});
