import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpResponseTooLargeError, HttpTimeoutError, HttpTooManyRedirectsError } from "@/lib/errors";
import { guardedFetch, type GuardedFetchOptions } from "@/lib/net/guarded-fetch";
import { echoServerCertificate, startEchoServer, type EchoServer, type EchoedRequest } from "../fixtures/http-echo-server";

let server: EchoServer;
let other: EchoServer;
const allow: GuardedFetchOptions = { allowPrivateNetwork: true };

beforeAll(async () => {
  server = await startEchoServer();
  other = await startEchoServer();
});
afterAll(async () => {
  await server.close();
  await other.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (reason: unknown) => reason,
  );
}

describe("guardedFetch caps", () => {
  it("returns status, headers and body", async () => {
    const response = await guardedFetch(`${server.url}/json`, allow);
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.header("content-type")).toBe("application/json");
    expect(response.json()).toEqual({ hello: "world" });
  });

  it("refuses a body over the size cap, by Content-Length and by counting (plain, chunked and gzip)", async () => {
    for (const path of ["/large/5000", "/large/5000?chunked=1", "/large/5000?gzip=1&chunked=1", "/large/5000?gzip=1"]) {
      const error = await rejection(guardedFetch(`${server.url}${path}`, { ...allow, maxResponseBytes: 1000 }));
      expect(error, path).toBeInstanceOf(HttpResponseTooLargeError);
      expect((error as HttpResponseTooLargeError).code).toBe("http_response_too_large");
    }
    const fits = await guardedFetch(`${server.url}/large/1000?gzip=1`, { ...allow, maxResponseBytes: 1000 });
    expect(fits.body.length).toBe(1000);
  });

  it("has a 10 MB default cap", async () => {
    const error = await rejection(guardedFetch(`${server.url}/large/${10 * 1024 * 1024 + 1}?chunked=1`, allow));
    expect(error).toBeInstanceOf(HttpResponseTooLargeError);
  });

  it("follows redirects up to maxRedirects (default 5), then fails", async () => {
    const five = await guardedFetch(`${server.url}/redirect/5`, allow);
    expect(five.status).toBe(200);
    expect(five.redirects).toHaveLength(5);
    expect(new URL(five.url).pathname).toBe("/echo");

    const error = await rejection(guardedFetch(`${server.url}/redirect/6`, allow));
    expect(error).toBeInstanceOf(HttpTooManyRedirectsError);
    expect((error as Error).message).toContain("more than 5 times");

    const two = await rejection(guardedFetch(`${server.url}/redirect/3`, { ...allow, maxRedirects: 2 }));
    expect(two).toBeInstanceOf(HttpTooManyRedirectsError);
  });

  it("returns the 3xx as it is when told not to follow", async () => {
    const response = await guardedFetch(`${server.url}/redirect/1`, { ...allow, followRedirects: false });
    expect(response.status).toBe(302);
    expect(response.header("location")).toBe("/echo");
    expect(response.redirected).toBe(false);
  });

  it("turns POST into GET on 303 and keeps method and body on 307", async () => {
    const options = { ...allow, method: "POST", body: "{\"a\":1}", headers: { "content-type": "application/json" } };
    const seeOther = await guardedFetch(`${server.url}/redirect/1?status=303`, options);
    expect(seeOther.json()).toMatchObject({ method: "GET", body: "" });
    const temporary = await guardedFetch(`${server.url}/redirect/1?status=307`, options);
    expect(temporary.json()).toMatchObject({ method: "POST", body: "{\"a\":1}" });
  });

  it("drops credentials when a redirect leaves the origin", async () => {
    const headers = { authorization: "Bearer secret", "x-api-key": "k", "x-trace": "t" };
    await guardedFetch(`${server.url}/redirect-to?url=${encodeURIComponent(`${other.url}/echo`)}`, {
      ...allow,
      headers,
      credentialHeaders: ["X-API-Key"],
    });
    const received: EchoedRequest = other.requests()[0];
    expect(received.headers.authorization).toBeUndefined();
    expect(received.headers["x-api-key"]).toBeUndefined();
    expect(received.headers["x-trace"]).toBe("t");
  });

  it("fails with HttpTimeoutError past its time budget", async () => {
    const error = await rejection(guardedFetch(`${server.url}/delay/10000`, { ...allow, timeoutMs: 100 }));
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect((error as HttpTimeoutError).code).toBe("http_timeout");
    expect((error as Error).message).toContain("did not complete within 100 ms");
  });

  it("rejects with the caller's abort reason", async () => {
    const controller = new AbortController();
    const pending = guardedFetch(`${server.url}/delay/10000`, { ...allow, signal: controller.signal });
    const reason = new Error("cancelled by the user");
    setTimeout(() => controller.abort(reason), 20);
    expect(await rejection(pending)).toBe(reason);

    const aborted = AbortSignal.abort(reason);
    expect(await rejection(guardedFetch(`${server.url}/echo`, { ...allow, signal: aborted }))).toBe(reason);
  });

  it("has no body for HEAD", async () => {
    const response = await guardedFetch(`${server.url}/large/5000`, { ...allow, method: "HEAD", maxResponseBytes: 10 });
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(0);
  });
});

describe("guardedFetch over https", () => {
  let secure: EchoServer;
  beforeAll(async () => {
    secure = await startEchoServer({ https: true });
  });
  afterAll(async () => {
    await secure.close();
  });

  it("verifies the certificate against the URL's host name while connecting to the vetted address", async () => {
    const ca = echoServerCertificate();
    const response = await guardedFetch(`https://localhost:${secure.port}/echo`, { ...allow, ca });
    expect(response.status).toBe(200);

    // public.example resolves (by the injected resolver) to 127.0.0.1, but the certificate is for localhost: refused by TLS.
    const resolve = async () => [{ address: "127.0.0.1", family: 4 as const }];
    const mismatch = await rejection(guardedFetch(`https://public.example:${secure.port}/echo`, { ...allow, ca, resolve }));
    expect((mismatch as NodeJS.ErrnoException).code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("does not trust a certificate it was not told to trust", async () => {
    const error = await rejection(guardedFetch(`https://localhost:${secure.port}/echo`, allow));
    expect((error as NodeJS.ErrnoException).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it("refuses https to a private address like http", async () => {
    const saved = process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
    delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
    try {
      const error = await rejection(guardedFetch(`https://localhost:${secure.port}/echo`, { ca: echoServerCertificate() }));
      expect((error as { code?: string }).code).toBe("network_refused");
    } finally {
      if (saved !== undefined) process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = saved;
    }
  });
});
