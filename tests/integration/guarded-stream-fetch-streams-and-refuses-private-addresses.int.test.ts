import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NetworkPolicyError } from "@/lib/errors";
import { createGuardedStreamFetch } from "@/lib/net/guarded-stream-fetch";
import { startEchoServer, type EchoServer } from "../fixtures/http-echo-server";
import type { ModelFixture } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";

const saved = process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
let echo: EchoServer;
let openai: ModelFixture;

beforeAll(async () => {
  echo = await startEchoServer();
  openai = await startOpenAiFixture();
});
afterAll(async () => {
  await echo?.close();
  await openai?.close();
  if (saved === undefined) delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
  else process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = saved;
});
beforeEach(() => {
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  openai.reset();
});

describe("the guarded stream fetch", () => {
  it("streams the body: the first SSE chunk is readable while the server is still sending", async () => {
    openai.script({ text: "one two three four five six", chunkDelayMs: 300 });
    const fetchGuarded = createGuardedStreamFetch();
    const response = await fetchGuarded(`${openai.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("chat.completion.chunk");
    expect(openai.calls()).toMatchObject({ received: 1, completed: 0 });
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toContain("[DONE]");
    expect(openai.calls().completed).toBe(1);
  });

  it("sends the method, headers and body, and returns a redirect as it is", async () => {
    const fetchGuarded = createGuardedStreamFetch();
    const echoed = await fetchGuarded(`${echo.url}/echo`, { method: "PUT", headers: { "x-test": "yes" }, body: "payload" });
    expect(await echoed.json()).toMatchObject({ method: "PUT", body: "payload", headers: { "x-test": "yes" } });
    const redirect = await fetchGuarded(`${echo.url}/redirect/1`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBeTruthy();
  });

  it("refuses loopback and private addresses unless HETUMIND_ALLOW_PRIVATE_NETWORK=true", async () => {
    delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
    echo.reset();
    const fetchGuarded = createGuardedStreamFetch();
    await expect(fetchGuarded(`${echo.url}/echo`)).rejects.toBeInstanceOf(NetworkPolicyError);
    await expect(fetchGuarded("http://10.1.2.3/v1/models")).rejects.toBeInstanceOf(NetworkPolicyError);
    await expect(fetchGuarded("file:///etc/passwd")).rejects.toBeInstanceOf(NetworkPolicyError);
    expect(echo.requests()).toHaveLength(0);
  });

  it("keeps connections alive and reuses them, one pool per policy", async () => {
    let connections = 0;
    const server = createServer((request, response) => {
      request.resume();
      request.on("end", () => response.end(`ok ${request.url}`));
    });
    server.on("connection", () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const fetchGuarded = createGuardedStreamFetch();
      for (const path of ["/1", "/2", "/3"]) expect(await (await fetchGuarded(`${url}${path}`, { method: "POST", body: "x" })).text()).toBe(`ok ${path}`);
      expect(connections).toBe(1);
      // Another policy (an allow-list instead of the whole private network) gets sockets of its own.
      delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
      const allowListed = createGuardedStreamFetch({ allowHosts: ["127.0.0.1"] });
      expect(await (await allowListed(`${url}/4`)).text()).toBe("ok /4");
      expect(connections).toBe(2);
      // Without the allowance the idle socket of the first pool serves nothing.
      await expect(fetchGuarded(`${url}/5`)).rejects.toBeInstanceOf(NetworkPolicyError);
      expect(connections).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
