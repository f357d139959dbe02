/**
 * The guarded fetch as a WHATWG `fetch`: for libraries that take a `fetch` option and read the response as a stream (the AI
 * SDK providers, SSE). Same SSRF rules as `guardedFetch` (the address is checked inside the socket's DNS lookup and again on
 * connect; `HETUMIND_ALLOW_PRIVATE_NETWORK` read per call), but the body is streamed, not buffered, so a model's tokens arrive
 * as they are sent.
 *
 * Differences from `guardedFetch`: redirects are not followed (a 3xx is returned as it is, like `redirect: "manual"`: API
 * endpoints do not redirect, and a redirect is where SSRF hides); no total timeout and no size cap of its own (callers pass
 * an `AbortSignal`; a stream may be long). Socket errors keep their `code` (`ECONNREFUSED`...), so the AI SDK retries them.
 *
 * Connections are kept alive and reused (a model call per agent step made a TCP connection each time): one pool per
 * effective policy (private network allowed or not, allowed hosts), so a socket opened under one policy never serves a
 * request under another. A new socket is checked in its DNS lookup and on connect; a reused one was, and its address is
 * checked again for each request. With a `ca` or a custom resolver (tests) there is no pool.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import { Readable } from "node:stream";
import { NetworkPolicyError } from "../errors";
import { NetworkPolicy, type NetworkPolicyOptions } from "./network-policy";

export interface GuardedStreamFetchOptions extends NetworkPolicyOptions {
  /** Certificate authorities (PEM) to trust for https instead of the system's. */
  ca?: string | Buffer | Array<string | Buffer>;
}

async function bodyBytes(body: BodyInit | null | undefined): Promise<Uint8Array | string | undefined> {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

function responseHeaders(response: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index], raw[index + 1]);
  return headers;
}

const pools = new Map<string, { http: HttpAgent; https: HttpsAgent }>();

/** The keep-alive pool for requests under `policy` (false: a connection of its own). */
function poolFor(policy: NetworkPolicy, options: GuardedStreamFetchOptions, protocol: string): HttpAgent | false {
  if (options.ca !== undefined || options.resolve !== undefined) return false;
  const key = JSON.stringify([policy.allowPrivateNetwork, options.allowHosts ?? []]);
  let pool = pools.get(key);
  if (!pool) {
    // Idle sockets close after 4 s, before the 5 s most servers (Node's default) wait; Node also honours a server's
    // `Keep-Alive: timeout=N` hint.
    const settings = { keepAlive: true, timeout: 4_000, scheduling: "lifo" as const };
    pool = { http: new HttpAgent(settings), https: new HttpsAgent(settings) };
    pools.set(key, pool);
  }
  return protocol === "https:" ? pool.https : pool.http;
}

/** A `fetch` that goes through the SSRF guard. */
export function createGuardedStreamFetch(options: GuardedStreamFetchOptions = {}): typeof fetch {
  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    let url: URL;
    try {
      url = new URL(request ? request.url : String(input));
    } catch {
      throw new NetworkPolicyError(`Invalid URL: ${String(input).slice(0, 200)}`, { url: String(input).slice(0, 200) });
    }
    const policy = new NetworkPolicy(options);
    policy.checkUrl(url);
    const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
    const headers: OutgoingHttpHeaders = {};
    new Headers(init?.headers ?? request?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = await bodyBytes(init?.body ?? (request && request.body ? await request.arrayBuffer() : undefined));
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
    const signal = init?.signal ?? request?.signal ?? undefined;
    signal?.throwIfAborted();

    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, {
        method,
        headers,
        agent: poolFor(policy, options, url.protocol),
        lookup: policy.lookupFor(url),
        signal,
        ...(options.ca !== undefined && url.protocol === "https:" ? { ca: options.ca } : {}),
      });
      outgoing.on("socket", (socket: Socket) => {
        const check = () => {
          try {
            if (socket.remoteAddress) policy.checkAddress(url, socket.remoteAddress);
          } catch (error) {
            outgoing.destroy(error as Error);
          }
        };
        // A pooled socket is connected already (and was checked when it connected): check its address for this request.
        if (socket.connecting) socket.once("connect", check);
        else check();
      });
      outgoing.once("response", resolve);
      outgoing.once("error", (error) => reject(signal?.aborted ? signal.reason : error));
      outgoing.end(body);
    });
    const status = response.statusCode ?? 0;
    const bodyless = method === "HEAD" || status === 204 || status === 304;
    if (bodyless) response.resume();
    const stream = bodyless ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
    return new Response(stream, { status, statusText: response.statusMessage ?? "", headers: responseHeaders(response) });
  };
  return guarded as typeof fetch;
}
