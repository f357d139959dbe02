/**
 * The `fetch` the MCP HTTP transports (Streamable HTTP and the older HTTP+SSE) use; every request goes through the SSRF
 * guard, so an MCP URL that resolves to a private address is refused unless HETUMIND_ALLOW_PRIVATE_NETWORK=true.
 *
 * - POST and DELETE (the request/response exchanges) go through `guardedFetch`: buffered, with its total time and response
 *   size caps. A POST answered with an SSE stream is delivered when the server ends it (after the response).
 * - GET opens a long-lived event stream (Streamable HTTP's stream for server-initiated messages; the SSE transport's
 *   endpoint) through the streaming guarded fetch: no total time, but no single event may exceed `maxEventBytes`
 *   (default 16 MB), so a server cannot grow our memory without bound inside one event.
 */
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { HttpResponseTooLargeError } from "@/lib/errors";
import { guardedFetch, type GuardedFetchOptions, type RequestHeaders } from "@/lib/net/guarded-fetch";
import { createGuardedStreamFetch } from "@/lib/net/guarded-stream-fetch";
import { describeUrl } from "@/lib/net/network-policy";

export interface McpFetchOptions extends Pick<GuardedFetchOptions, "allowHosts" | "allowPrivateNetwork" | "ca" | "maxResponseBytes"> {
  /** Cap on one POST/DELETE exchange (the MCP request timeout adds its own). */
  timeoutMs: number;
  /** Largest single event on a GET event stream. Default 16 MB. */
  maxEventBytes?: number;
}

export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;
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

/** Length of the tail of `chunk` after its last event boundary (a blank line), or -1 when it has none. */
function tailAfterBoundary(chunk: Uint8Array): number {
  for (let index = chunk.length - 1; index >= 1; index--) {
    const current = chunk[index];
    const previous = chunk[index - 1];
    // "\n\n", "\r\r" and the end of "\r\n\r\n" (whose last two bytes are "\r\n" after "\n": covered by "\n" + "\r\n").
    if ((current === 0x0a && (previous === 0x0a || (previous === 0x0d && index >= 2 && chunk[index - 2] === 0x0a))) || (current === 0x0d && previous === 0x0d)) {
      return chunk.length - index - 1;
    }
  }
  return -1;
}

/** Passes an event stream through, failing it when one event grows past `maxBytes`. */
export function limitEventSize(body: ReadableStream<Uint8Array>, maxBytes: number, url: string): ReadableStream<Uint8Array> {
  let sinceBoundary = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const tail = tailAfterBoundary(chunk);
        sinceBoundary = tail >= 0 ? tail : sinceBoundary + chunk.length;
        if (sinceBoundary > maxBytes) {
          controller.error(new HttpResponseTooLargeError(`An event from ${url} is larger than ${maxBytes} bytes`, { url, maxBytes }));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

export function createMcpFetch(options: McpFetchOptions): FetchLike {
  const streamFetch = createGuardedStreamFetch({ allowHosts: options.allowHosts, allowPrivateNetwork: options.allowPrivateNetwork, ca: options.ca });
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  return async (input, init) => {
    const method = (init?.method ?? "GET").toUpperCase();
    if (method === "GET") {
      const response = await streamFetch(input, init);
      if (!response.body) return response;
      let where = String(input);
      try {
        where = describeUrl(new URL(String(input)));
      } catch {
        // The fetch above would have refused an invalid URL.
      }
      return new Response(limitEventSize(response.body, maxEventBytes, where), { status: response.status, statusText: response.statusText, headers: response.headers });
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
