import { afterEach, describe, expect, it } from "vitest";
import { authConfig } from "@/lib/auth/next-auth";
import { enabledOAuthProviders, verifiedEmail } from "@/lib/auth/oauth-providers";

const VARIABLES = ["AUTH_GITHUB_ID", "AUTH_GITHUB_SECRET", "AUTH_GOOGLE_ID", "AUTH_GOOGLE_SECRET", "HETUMIND_SESSION_SECRET"] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

/** The ids of the providers Auth.js would get with this environment. */
function configuredProviderIds(environment: Partial<Record<(typeof VARIABLES)[number], string>>): string[] {
  for (const name of VARIABLES) delete process.env[name];
  Object.assign(process.env, { HETUMIND_SESSION_SECRET: "a test session secret that is long enough to use" }, environment);
  return authConfig().providers.map((provider) => (typeof provider === "function" ? provider().id : provider.id));
}

describe("OAuth providers are switched on by their environment variables", () => {
  it("lists none without variables, and only providers with both id and secret set", () => {
    expect(enabledOAuthProviders({})).toEqual([]);
    expect(enabledOAuthProviders({ AUTH_GITHUB_ID: "id" })).toEqual([]);
    expect(enabledOAuthProviders({ AUTH_GITHUB_SECRET: "secret", AUTH_GOOGLE_ID: "id" })).toEqual([]);
    expect(enabledOAuthProviders({ AUTH_GITHUB_ID: " ", AUTH_GITHUB_SECRET: "secret" })).toEqual([]);
    expect(enabledOAuthProviders({ AUTH_GITHUB_ID: "id", AUTH_GITHUB_SECRET: "secret" })).toEqual([{ id: "github", name: "GitHub" }]);
    expect(enabledOAuthProviders({ AUTH_GOOGLE_ID: "id", AUTH_GOOGLE_SECRET: "secret" })).toEqual([{ id: "google", name: "Google" }]);
    expect(enabledOAuthProviders({ AUTH_GITHUB_ID: "a", AUTH_GITHUB_SECRET: "b", AUTH_GOOGLE_ID: "c", AUTH_GOOGLE_SECRET: "d" }).map((provider) => provider.id)).toEqual([
      "github",
      "google",
    ]);
  });

  it("gives Auth.js the password provider always, and GitHub / Google only when configured", () => {
    expect(configuredProviderIds({})).toEqual(["credentials"]);
    expect(configuredProviderIds({ AUTH_GITHUB_ID: "id", AUTH_GITHUB_SECRET: "secret" })).toEqual(["credentials", "github"]);
    expect(configuredProviderIds({ AUTH_GOOGLE_ID: "id", AUTH_GOOGLE_SECRET: "secret" })).toEqual(["credentials", "google"]);
    expect(configuredProviderIds({ AUTH_GITHUB_ID: "a", AUTH_GITHUB_SECRET: "b", AUTH_GOOGLE_ID: "c", AUTH_GOOGLE_SECRET: "d" })).toEqual(["credentials", "github", "google"]);
  });

  it("lets a profile claim an account only by an address the provider says is verified", () => {
    expect(verifiedEmail({ email: "ada@example.com", email_verified: true })).toBe("ada@example.com");
    expect(verifiedEmail({ email: "ada@example.com", email_verified: false })).toBeUndefined();
    expect(verifiedEmail({ email: "ada@example.com" })).toBeUndefined();
    expect(verifiedEmail({ email: null, email_verified: true })).toBeUndefined();
    expect(verifiedEmail(undefined)).toBeUndefined();
  });
});
