/**
 * Authentication for outbound HTTP, as one resolved value: from a stored credential the node references (`httpHeaderAuth`,
 * `httpBasicAuth`, `httpBearerAuth`, see lib/credentials) or else from the node's parameters. `authenticationHeaders` turns
 * either into headers.
 */
import type { HttpRequestParameters } from "./parameters";

export type HttpAuthentication =
  | { type: "none" }
  | { type: "headerAuth"; name: string; value: string }
  | { type: "basicAuth"; user: string; password: string }
  | { type: "bearerAuth"; token: string };

export type AuthenticationResult = { ok: true; authentication: HttpAuthentication } | { ok: false; parameter: string; message: string };

/** The credential type that can supply each `authentication` choice. */
export const CREDENTIAL_TYPE_FOR = {
  headerAuth: "httpHeaderAuth",
  basicAuth: "httpBasicAuth",
  bearerAuth: "httpBearerAuth",
} as const satisfies Partial<Record<HttpRequestParameters["authentication"], string>>;

/** Reads a decrypted credential of the type `CREDENTIAL_TYPE_FOR[kind]`; names the credential field that is missing. */
export function authenticationFromCredential(kind: keyof typeof CREDENTIAL_TYPE_FOR, data: Record<string, string>): AuthenticationResult {
  const type = CREDENTIAL_TYPE_FOR[kind];
  switch (kind) {
    case "headerAuth":
      if (!data.name?.trim()) return { ok: false, parameter: `credentials.${type}`, message: "The header credential has no header name" };
      return { ok: true, authentication: { type: "headerAuth", name: data.name.trim(), value: data.value ?? "" } };
    case "basicAuth":
      if (!data.user) return { ok: false, parameter: `credentials.${type}`, message: "The basic auth credential has no user" };
      return { ok: true, authentication: { type: "basicAuth", user: data.user, password: data.password ?? "" } };
    case "bearerAuth":
      if (!data.token) return { ok: false, parameter: `credentials.${type}`, message: "The bearer credential has no token" };
      return { ok: true, authentication: { type: "bearerAuth", token: data.token } };
  }
}

/** Reads the authentication the parameters describe; says which parameter is missing when it is incomplete. */
export function authenticationFromParameters(parameters: HttpRequestParameters): AuthenticationResult {
  switch (parameters.authentication) {
    case "none":
      return { ok: true, authentication: { type: "none" } };
    case "headerAuth": {
      const header = parameters.headerAuth;
      if (!header || header.name.trim() === "") {
        return { ok: false, parameter: "headerAuth.name", message: "Header authentication needs a header name" };
      }
      return { ok: true, authentication: { type: "headerAuth", name: header.name.trim(), value: header.value } };
    }
    case "basicAuth": {
      const basic = parameters.basicAuth;
      if (!basic || basic.user === "") return { ok: false, parameter: "basicAuth.user", message: "Basic authentication needs a user" };
      if (basic.user.includes(":")) {
        return { ok: false, parameter: "basicAuth.user", message: "A basic authentication user may not contain ':'" };
      }
      return { ok: true, authentication: { type: "basicAuth", user: basic.user, password: basic.password } };
    }
    case "bearerAuth": {
      if (!parameters.bearerToken) return { ok: false, parameter: "bearerToken", message: "Bearer authentication needs a token" };
      return { ok: true, authentication: { type: "bearerAuth", token: parameters.bearerToken } };
    }
  }
}

/** The headers that carry `authentication` (lower-case names). */
export function authenticationHeaders(authentication: HttpAuthentication): Record<string, string> {
  switch (authentication.type) {
    case "none":
      return {};
    case "headerAuth":
      return { [authentication.name.toLowerCase()]: authentication.value };
    case "basicAuth":
      return {
        authorization: `Basic ${Buffer.from(`${authentication.user}:${authentication.password}`, "utf8").toString("base64")}`,
      };
    case "bearerAuth":
      return { authorization: `Bearer ${authentication.token}` };
  }
}
