/**
 * Authentication for outbound HTTP, as one resolved value. Today it comes from the node's parameters; when the credential vault
 * lands, a decrypted credential (`httpHeaderAuth`, `httpBasicAuth`, `httpBearerAuth`) resolves to the same `HttpAuthentication`
 * and `authenticationHeaders` stays as it is.
 */
import type { HttpRequestParameters } from "./parameters";

export type HttpAuthentication =
  | { type: "none" }
  | { type: "headerAuth"; name: string; value: string }
  | { type: "basicAuth"; user: string; password: string }
  | { type: "bearerAuth"; token: string };

export type AuthenticationResult = { ok: true; authentication: HttpAuthentication } | { ok: false; parameter: string; message: string };

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
