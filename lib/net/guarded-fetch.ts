/**
 * `guardedFetch`: the one way the platform makes an outbound HTTP request (HTTP node, HTTP tool, MCP over HTTP, webhooks out).
 *
 * - SSRF: refuses loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved and IPv6 equivalents, checked on the
 *   address the socket connects to (inside its DNS lookup), on every redirect hop; see `network-policy.ts`.
 * - Caps: total time (`timeoutMs`, default 30 s, covering connect, redirects and the body), response size (`maxResponseBytes`,
 *   default 10 MB after decompression), redirects (`maxRedirects`, default 5, followed by hand so each hop is re-checked).
 * - Built on node:http/node:https rather than the global fetch: Node 20's fetch (undici) can only take a custom DNS lookup
 *   through an undici `Agent`, which is not importable without installing undici; node:http takes `lookup` per request.
 *   No connection pooling (`agent: false`): a pooled socket would skip the lookup check for the next request.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import { HttpTimeoutError, HttpTooManyRedirectsError, NetworkPolicyError } from "../errors";
import { NetworkPolicy, describeUrl, type NetworkPolicyOptions } from "./network-policy";
import { readResponseBody } from "./response-body";

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

export type RequestHeaders = Record<string, string | number | readonly string[] | undefined>;

export interface GuardedFetchOptions extends NetworkPolicyOptions {
  /** Default GET. */
  method?: string;
  headers?: RequestHeaders;
  body?: string | Uint8Array;
  /** Total time for the whole exchange, redirects and body included. Default 30 000 ms; `Infinity` for none. */
  timeoutMs?: number;
  /** Largest body accepted (after decompression). Default 10 MB. */
  maxResponseBytes?: number;
  /** Default true. When false, a 3xx response is returned as it is. */
  followRedirects?: boolean;
  /** Default 5. One more redirect than this fails with `HttpTooManyRedirectsError`. */
  maxRedirects?: number;
  /** Cancels the request; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Default true: asks for gzip/deflate/br and decodes it. */
  decompress?: boolean;
  /** Header names (besides Authorization, Cookie, Proxy-Authorization) dropped when a redirect leaves the origin. */
  credentialHeaders?: readonly string[];
  /** Certificate authorities (PEM) to trust for https, instead of the system's: an internal CA, or a test certificate. */
  ca?: string | Buffer | Array<string | Buffer>;
}

export type ResponseHeaders = Record<string, string | string[]>;

export class GuardedResponse {
  constructor(
    /** The final URL, after redirects. */
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    /** Lower-case names; `set-cookie` is an array. */
    readonly headers: ResponseHeaders,
    readonly body: Buffer,
    /** Every URL that answered with a redirect that was followed, in order. */
    readonly redirects: string[],
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get redirected(): boolean {
    return this.redirects.length > 0;
  }

  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  }

  text(): string {
    return this.body.toString("utf8");
  }

  json(): unknown {
    return JSON.parse(this.text());
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CROSS_ORIGIN_STRIPPED = ["authorization", "cookie", "proxy-authorization"];
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location", "transfer-encoding"];

interface Hop {
  url: URL;
  method: string;
  headers: OutgoingHttpHeaders;
  body: string | Uint8Array | undefined;
}

function normalizeHeaders(headers: RequestHeaders | undefined): OutgoingHttpHeaders {
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = typeof value === "number" ? String(value) : (value as string | string[]);
  }
  return result;
}

function responseHeaders(response: IncomingMessage): ResponseHeaders {
  const result: ResponseHeaders = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) result[name] = value;
  }
  return result;
}

function nextHop(hop: Hop, status: number, location: URL, credentialHeaders: readonly string[]): Hop {
  const headers: OutgoingHttpHeaders = { ...hop.headers };
  let { method, body } = hop;
  if ((status === 303 && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) {
    method = "GET";
    body = undefined;
    for (const name of BODY_HEADERS) delete headers[name];
  }
  if (location.origin !== hop.url.origin) {
    for (const name of [...CROSS_ORIGIN_STRIPPED, ...credentialHeaders.map((header) => header.toLowerCase())]) delete headers[name];
  }
  return { url: location, method, headers, body };
}

/** Sends one request and resolves with the response head; the body is left unread. */
function send(hop: Hop, policy: NetworkPolicy, signal: AbortSignal, ca: GuardedFetchOptions["ca"]): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers = { ...hop.headers };
    if (hop.body !== undefined) headers["content-length"] = String(Buffer.byteLength(hop.body));
    const request = (hop.url.protocol === "https:" ? httpsRequest : httpRequest)(hop.url, {
      method: hop.method,
      headers,
      agent: false,
      lookup: policy.lookupFor(hop.url),
      signal,
      ...(ca !== undefined && hop.url.protocol === "https:" ? { ca } : {}),
    });
    // Belt and braces: the lookup already vetted the address; this also covers any path where a socket skips the lookup.
    request.on("socket", (socket: Socket) => {
      socket.once("connect", () => {
        try {
          if (socket.remoteAddress) policy.checkAddress(hop.url, socket.remoteAddress);
        } catch (error) {
          request.destroy(error as Error);
        }
      });
    });
    request.once("response", resolve);
    request.once("error", reject);
    request.end(hop.body);
  });
}

/**
 * Fetches `input` under the SSRF rules and the caps. Resolves with the buffered response (any status); rejects with
 * `NetworkPolicyError`, `HttpTimeoutError`, `HttpResponseTooLargeError`, `HttpTooManyRedirectsError`, a socket error
 * (`ECONNREFUSED`, `ENOTFOUND`...), or the reason of `options.signal` when it aborts.
 */
export async function guardedFetch(input: string | URL, options: GuardedFetchOptions = {}): Promise<GuardedResponse> {
  const policy = new NetworkPolicy(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const followRedirects = options.followRedirects ?? true;
  const decompress = options.decompress ?? true;

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new NetworkPolicyError(`Invalid URL: ${String(input).slice(0, 200)}`, { url: String(input).slice(0, 200) });
  }
  const headers = normalizeHeaders(options.headers);
  if (decompress && headers["accept-encoding"] === undefined) headers["accept-encoding"] = "gzip, deflate, br";
  if (headers["user-agent"] === undefined) headers["user-agent"] = "hetumind";
  let hop: Hop = { url, method: (options.method ?? "GET").toUpperCase(), headers, body: options.body };

  options.signal?.throwIfAborted();
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
        const where = describeUrl(hop.url);
        controller.abort(new HttpTimeoutError(`The request to ${where} did not complete within ${timeoutMs} ms`, { url: where, timeoutMs }));
      }, timeoutMs)
    : undefined;

  const redirects: string[] = [];
  try {
    for (;;) {
      policy.checkUrl(hop.url);
      const response = await send(hop, policy, controller.signal, options.ca);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (followRedirects && REDIRECT_STATUSES.has(status) && location) {
        response.destroy();
        if (redirects.length >= maxRedirects) {
          throw new HttpTooManyRedirectsError(
            `The request to ${describeUrl(url)} was redirected more than ${maxRedirects} times (last to ${describeUrl(hop.url)})`,
            { url: describeUrl(url), maxRedirects },
          );
        }
        redirects.push(hop.url.href);
        hop = nextHop(hop, status, new URL(location, hop.url), options.credentialHeaders ?? []);
        continue;
      }
      const abortBody = () => response.destroy(controller.signal.reason as Error);
      controller.signal.addEventListener("abort", abortBody, { once: true });
      try {
        const body = await readResponseBody(response, {
          url: describeUrl(hop.url),
          maxBytes,
          decompress,
          bodyless: hop.method === "HEAD" || status === 204 || status === 304,
        });
        return new GuardedResponse(hop.url.href, status, response.statusMessage ?? "", responseHeaders(response), body, redirects);
      } finally {
        controller.signal.removeEventListener("abort", abortBody);
      }
    }
  } catch (error) {
    if (controller.signal.aborted) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onCallerAbort);
  }
}
