import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { credentialTypeDefinitions, redactCredential, testCredentialData, validateCredentialData } from "@/lib/credentials";
import { startEchoServer, type EchoServer } from "../fixtures/http-echo-server";

const VARIABLE = "HETUMIND_ALLOW_PRIVATE_NETWORK";
const saved = process.env[VARIABLE];
let server: EchoServer;
const meta = { id: "c1", name: "n", createdAt: new Date(0), updatedAt: new Date(0) };

beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  process.env[VARIABLE] = "true";
  server.reset();
});
afterEach(() => {
  if (saved === undefined) delete process.env[VARIABLE];
  else process.env[VARIABLE] = saved;
});

describe("credential types", () => {
  it("are declared once, with unique names and secret fields that exist", () => {
    const types = credentialTypeDefinitions.map((definition) => definition.type);
    expect(types).toEqual(["httpHeaderAuth", "httpBasicAuth", "httpBearerAuth", "openAiApi", "anthropicApi", "openAiCompatibleApi"]);
    for (const definition of credentialTypeDefinitions) {
      for (const field of definition.secretFields) expect(Object.keys(definition.fields.shape)).toContain(field);
    }
  });

  it("redaction keeps non-secret fields and shows secrets only as { set }", () => {
    expect(redactCredential({ ...meta, type: "httpBasicAuth" }, { user: "ada", password: "pw" }).data).toEqual({ user: "ada", password: { set: true } });
    expect(redactCredential({ ...meta, type: "httpBasicAuth" }, { user: "ada", password: "" }).data).toEqual({ user: "ada", password: { set: false } });
    expect(redactCredential({ ...meta, type: "openAiApi" }, { baseUrl: "https://x/v1" }).data).toEqual({ baseUrl: "https://x/v1", apiKey: { set: false }, extraHeaders: { set: false } });
    // A type that is no longer declared: every field is treated as secret.
    expect(redactCredential({ ...meta, type: "gone" }, { a: "1" }).data).toEqual({ a: { set: true } });
  });

  it("applies defaults", () => {
    expect(validateCredentialData("openAiApi", { apiKey: "k" })).toEqual({ apiKey: "k", baseUrl: "https://api.openai.com/v1" });
    expect(validateCredentialData("httpBasicAuth", { user: "u" })).toEqual({ user: "u", password: "" });
  });

  it("openAiApi tests itself with GET <baseUrl>/models and the bearer key, through the guarded fetch", async () => {
    const result = await testCredentialData("openAiApi", { apiKey: "sk-test-marker", baseUrl: `${server.url}/v1/` });
    expect(result.ok).toBe(true);
    const [request] = server.requests();
    expect(request).toMatchObject({ method: "GET", path: "/v1/models" });
    expect(request.headers.authorization).toBe("Bearer sk-test-marker");
    expect(result.message).not.toContain("sk-test-marker");

    delete process.env[VARIABLE];
    const refused = await testCredentialData("openAiApi", { apiKey: "sk-test-marker", baseUrl: `${server.url}/v1` });
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/Could not reach/);
    expect(refused.message).not.toContain("sk-test-marker");
  });

  it("a type without a test says so", async () => {
    expect(await testCredentialData("httpBearerAuth", { token: "t" })).toEqual({ ok: false, message: "Bearer Auth credentials have no test" });
  });
});
