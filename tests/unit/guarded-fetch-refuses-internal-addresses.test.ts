import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EnvironmentVariableError, HetumindError, NetworkPolicyError } from "@/lib/errors";
import { guardedFetch } from "@/lib/net/guarded-fetch";
import type { HostResolver } from "@/lib/net/network-policy";
import { startEchoServer, type EchoServer } from "../fixtures/http-echo-server";

const VARIABLE = "HETUMIND_ALLOW_PRIVATE_NETWORK";
let server: EchoServer;
let other: EchoServer;
const savedVariable = process.env[VARIABLE];

beforeAll(async () => {
  server = await startEchoServer();
  other = await startEchoServer();
});
afterAll(async () => {
  await server.close();
  await other.close();
});
afterEach(() => {
  if (savedVariable === undefined) delete process.env[VARIABLE];
  else process.env[VARIABLE] = savedVariable;
  server.reset();
  other.reset();
});

async function refusal(promise: Promise<unknown>): Promise<NetworkPolicyError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(NetworkPolicyError);
  return error as NetworkPolicyError;
}

describe("guardedFetch refuses internal destinations by default", () => {
  it("refuses 127.0.0.1 and never reaches the server", async () => {
    delete process.env[VARIABLE];
    const error = await refusal(guardedFetch(`${server.url}/echo`));
    expect(error.code).toBe("network_refused");
    expect(error.message).toContain(`${server.url}/echo`);
    expect(error.message).toContain("127.0.0.1 is a loopback address; set HETUMIND_ALLOW_PRIVATE_NETWORK=true to allow");
    expect(error.fields).toMatchObject({ url: `${server.url}/echo`, address: "127.0.0.1" });
    expect(server.requests()).toHaveLength(0);
  });

  it.each([
    ["http://10.0.0.5/", "10.0.0.5", "10.0.0.5 is a private address; set HETUMIND_ALLOW_PRIVATE_NETWORK=true to allow"],
    ["http://172.20.1.1/", "172.20.1.1", "a private address"],
    ["http://192.168.0.10/", "192.168.0.10", "a private address"],
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local address (cloud metadata service)"],
    ["http://100.64.1.2/", "100.64.1.2", "carrier-grade NAT"],
    ["http://0.0.0.0/", "0.0.0.0", "unspecified"],
    ["http://224.0.0.1/", "224.0.0.1", "multicast"],
    ["http://[::1]/", "::1", "::1 is a loopback address"],
    ["http://[::ffff:127.0.0.1]/", "::ffff:7f00:1", "127.0.0.1 inside the IPv6 address"],
    ["http://[fd00::1]/", "fd00::1", "unique-local"],
    ["http://[fe80::1]/", "fe80::1", "link-local"],
    ["http://2130706433/", "127.0.0.1", "loopback"],
  ])("refuses %s", async (url, address, text) => {
    delete process.env[VARIABLE];
    const error = await refusal(guardedFetch(url));
    expect(error.fields.address).toBe(address);
    expect(error.message).toContain(text);
  });

  it("refuses a host name that resolves to loopback (localhost), naming the name and the address", async () => {
    delete process.env[VARIABLE];
    const error = await refusal(guardedFetch(`http://localhost:${server.port}/echo`));
    expect(error.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    expect(server.requests()).toHaveLength(0);
  });

  it("refuses a host name whose resolver answer is private, and one with any private address among public ones", async () => {
    delete process.env[VARIABLE];
    const resolve: HostResolver = async (hostname) =>
      hostname === "internal.test"
        ? [{ address: "10.0.0.5", family: 4 }]
        : [
            { address: "93.184.216.34", family: 4 },
            { address: "127.0.0.1", family: 4 },
          ];
    const internal = await refusal(guardedFetch("http://internal.test/", { resolve }));
    expect(internal.message).toContain("internal.test resolves to 10.0.0.5, a private address");
    const mixed = await refusal(guardedFetch("http://mixed.test/", { resolve }));
    expect(mixed.fields.address).toBe("127.0.0.1");
  });

  it("connects to the address it vetted: one resolution per connection, used by the socket", async () => {
    delete process.env[VARIABLE];
    const asked: string[] = [];
    const resolve: HostResolver = async (hostname) => {
      asked.push(hostname);
      return [{ address: "127.0.0.1", family: 4 }];
    };
    // public.example does not exist in any DNS: reaching the server proves the socket used the vetted answer.
    const response = await guardedFetch(`http://public.example:${server.port}/echo`, { resolve, allowHosts: ["127.0.0.1"] });
    expect(response.status).toBe(200);
    expect(asked).toEqual(["public.example"]);
    expect(server.requests()[0].headers.host).toBe(`public.example:${server.port}`);
  });

  it("re-checks every redirect hop: an allowed host cannot redirect to a private one", async () => {
    delete process.env[VARIABLE];
    const allowHosts = [`127.0.0.1:${server.port}`];
    for (const target of ["http://10.0.0.5/admin", "http://169.254.169.254/latest/meta-data/", `${other.url}/echo`]) {
      const error = await refusal(
        guardedFetch(`${server.url}/redirect-to?url=${encodeURIComponent(target)}`, { allowHosts }),
      );
      expect(error.fields.url).toBe(new URL(target).origin + new URL(target).pathname);
    }
    expect(server.requests().map((request) => request.path)).toEqual(["/redirect-to", "/redirect-to", "/redirect-to"]);
    expect(other.requests()).toHaveLength(0);
  });

  it("refuses schemes other than http and https", async () => {
    process.env[VARIABLE] = "true";
    for (const url of ["file:///etc/passwd", "ftp://example.com/", "gopher://127.0.0.1:70/", "data:text/plain,hi"]) {
      const error = await refusal(guardedFetch(url));
      expect(error.message).toContain("only http: and https:");
    }
  });

  it("refuses a redirect to another scheme", async () => {
    const error = await refusal(
      guardedFetch(`${server.url}/redirect-to?url=${encodeURIComponent("file:///etc/passwd")}`, { allowPrivateNetwork: true }),
    );
    expect(error.message).toContain("only http: and https:");
  });
});

describe("guardedFetch allows internal destinations when told to", () => {
  it("allows them with HETUMIND_ALLOW_PRIVATE_NETWORK=true, read at call time", async () => {
    process.env[VARIABLE] = "true";
    const response = await guardedFetch(`${server.url}/echo`);
    expect(response.status).toBe(200);
    const viaName = await guardedFetch(`http://localhost:${server.port}/echo`);
    expect(viaName.status).toBe(200);

    process.env[VARIABLE] = "false";
    await refusal(guardedFetch(`${server.url}/echo`));
  });

  it("allows them with the allowPrivateNetwork option", async () => {
    delete process.env[VARIABLE];
    const response = await guardedFetch(`${server.url}/echo`, { allowPrivateNetwork: true });
    expect(response.status).toBe(200);
  });

  it("allows exactly the hosts on the allow-list", async () => {
    delete process.env[VARIABLE];
    expect((await guardedFetch(`http://localhost:${server.port}/echo`, { allowHosts: ["localhost"] })).status).toBe(200);
    expect((await guardedFetch(`${server.url}/echo`, { allowHosts: ["127.0.0.0/8"] })).status).toBe(200);
    expect((await guardedFetch(`${server.url}/echo`, { allowHosts: [`127.0.0.1:${server.port}`] })).status).toBe(200);
    await refusal(guardedFetch(`${other.url}/echo`, { allowHosts: [`127.0.0.1:${server.port}`] }));
    await refusal(guardedFetch(`${server.url}/echo`, { allowHosts: ["10.0.0.0/8", "*.example.com"] }));
  });

  it("rejects a value of the variable that is not a boolean", async () => {
    process.env[VARIABLE] = "perhaps";
    const error = await guardedFetch(`${server.url}/echo`).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(EnvironmentVariableError);
    expect(HetumindError.isInstance(error) && error.message).toContain("HETUMIND_ALLOW_PRIVATE_NETWORK must be true or false");
  });
});
