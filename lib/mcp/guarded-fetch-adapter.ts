/**
 * The `fetch` the MCP Streamable HTTP transport uses: every request goes through `guardedFetch` (SSRF rules, caps, no
 * connection reuse), so an MCP URL that resolves to a private address is refused unless
 * HETUMIND_ALLOW_PRIVATE_NETWORK=true.
 *
 * `guardedFetch` buffers responses. That suits Streamable HTTP's request/response exchanges (a POST answered with JSON,
 * or with an SSE stream the server closes after the response), but not the optional long-lived GET stream for
 * server-initiated notifications: that GET is answered here with 405, which the SDK reads as "the server offers no such
 * stream" (the spec allows servers to say so). Tools work without it; list-changed notifications are not received.
 */
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { guardedFetch, type GuardedFetchOptions, type RequestHeaders } from "@/lib/net/guarded-fetch";

export interface McpFetchOptions extends Pick<GuardedFetchOptions, "allowHosts" | "allowPrivateNetwork" | "ca" | "maxResponseBytes"> {
  /** Cap on one HTTP exchange (the MCP request timeout adds its own). */
  timeoutMs: number;
}

const BODYLESS_STATUSES = new Set([101, 204, 205, 304]);

function headersOf(init: RequestInit | undefined): RequestHeaders {
  const headers: RequestHeaders = {};
  new Headers(init?.headers).forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

async function bodyOf(init: RequestInit | undefined): Promise<string | Uint8Array | undefined> {
  const body = init?.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  return new Uint8Array(await new Response(body).arrayBuffer());
}

export function createMcpFetch(options: McpFetchOptions): FetchLike {
  return async (input, init) => {
    const method = (init?.method ?? "GET").toUpperCase();
    if (method === "GET") {
      return new Response(null, { status: 405, statusText: "Method Not Allowed (no standalone SSE stream through the guarded fetch)" });
    }
    const response = await guardedFetch(input, {
      method,
      headers: headersOf(init),
      body: await bodyOf(init),
      signal: init?.signal ?? undefined,
      timeoutMs: options.timeoutMs,
      // The SDK decides about redirects (same origin only); each hop it follows comes back here and is checked again.
      followRedirects: false,
      allowHosts: options.allowHosts,
      allowPrivateNetwork: options.allowPrivateNetwork,
      ca: options.ca,
      maxResponseBytes: options.maxResponseBytes,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else headers.set(name, value);
    }
    // The body is already decoded; the length and encoding headers describe the wire form.
    headers.delete("content-encoding");
    headers.delete("content-length");
    const body = BODYLESS_STATUSES.has(response.status) || method === "HEAD" ? null : new Uint8Array(response.body);
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  };
}
