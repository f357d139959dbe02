import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { guardedFetch } from "@/lib/net/guarded-fetch";

let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
});

describe("the echo server fixture in its own process", () => {
  it("prints its port as JSON and reports calls per Idempotency-Key over HTTP", async () => {
    child = spawn(process.execPath, ["--import", "tsx", "tests/fixtures/http-echo-server.ts"], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
    const { port, url } = JSON.parse(line) as { port: number; url: string };
    expect(url).toBe(`http://127.0.0.1:${port}`);

    const options = { allowPrivateNetwork: true, method: "POST", headers: { "idempotency-key": "exec:node:1:0" } };
    await guardedFetch(`${url}/echo`, options);
    await guardedFetch(`${url}/status/500`, options);
    const counts = await guardedFetch(`${url}/_idempotency`, { allowPrivateNetwork: true });
    expect(counts.json()).toEqual({ counts: { "exec:node:1:0": 2 }, total: 2 });

    await guardedFetch(`${url}/_idempotency/reset`, { allowPrivateNetwork: true, method: "POST" });
    expect((await guardedFetch(`${url}/_idempotency`, { allowPrivateNetwork: true })).json()).toEqual({ counts: {}, total: 0 });

    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });
});
