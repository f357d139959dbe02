/** The contract of a per-family mapping module: one function per n8n node type. */
import type { Parameters } from "./values";

export interface MapContext {
  /** The node's name (for messages). */
  name: string;
  typeVersion: number;
  /** n8n's `webhookId` of a trigger node (a Webhook without a path listens on it). */
  webhookId?: string;
  /** The node's n8n credential references, by n8n credential type. */
  credentials: Record<string, { id?: string; name?: string }>;
  /** Something that was not carried over, or behaves differently here. */
  warn(message: string, path?: string): void;
  /** Forgets the warnings under a parameter path (optionally only those mentioning `about`): the mapper translated what they were about. */
  clearWarnings(pathPrefix: string, about?: string): void;
  /**
   * The mapped node uses this n8n credential as our type `ourType` (it becomes a placeholder to fill, or is linked).
   * Credentials of types not claimed here are reported as dropped.
   */
  useCredential(n8nType: string, ourType: string): void;
  /** Says why a referenced n8n credential is not used (reported as dropped with this reason). */
  dropCredential(n8nType: string, reason: string): void;
}

export type MapResult =
  | { type: string; parameters: Parameters }
  /** No equivalent for this node as configured: it is kept disabled and listed with the reason. */
  | { unsupported: string };

/** `parameters` are n8n's, with expression markers already removed (except in `rawKeys`). */
export type NodeMapper = (parameters: Parameters, context: MapContext) => MapResult;

export interface MapperEntry {
  map: NodeMapper;
  /** Parameter keys holding code: copied as they are (never expression-normalized or scanned). */
  rawKeys?: readonly string[];
}

export type MapperTable = Record<string, MapperEntry>;

export function unsupported(reason: string): MapResult {
  return { unsupported: reason };
}

/** Claims the node's generic HTTP credential (`authentication: genericCredentialType`) as our header/basic/bearer auth. */
export function genericHttpAuth(parameters: Parameters, context: MapContext): { authentication: string } | { unsupported: string } {
  const authentication = parameters.authentication;
  if (authentication === undefined || authentication === "none") return { authentication: "none" };
  if (authentication === "genericCredentialType") {
    const generic = parameters.genericAuthType;
    const byGeneric: Record<string, string> = { httpHeaderAuth: "headerAuth", httpBasicAuth: "basicAuth", httpBearerAuth: "bearerAuth" };
    if (typeof generic === "string" && byGeneric[generic]) {
      context.useCredential(generic, generic);
      return { authentication: byGeneric[generic] };
    }
    return { unsupported: `generic authentication "${String(generic)}" is not supported (header, basic and bearer auth are)` };
  }
  if (authentication === "predefinedCredentialType") {
    return { unsupported: `authentication with n8n's predefined "${String(parameters.nodeCredentialType)}" credential is not supported; use header, basic or bearer auth` };
  }
  return { unsupported: `authentication "${String(authentication)}" is not supported` };
}

/**
 * The HTTP Request node's and the HTTP Request Tool's shared part: authentication (a predefined n8n credential is
 * dropped with a warning), query parameters and headers as name/value pairs (`pairs` reads n8n's list). Writes into
 * `result`; returns the reason when something cannot be mapped.
 */
export function mapHttpAuthQueryHeaders(
  parameters: Parameters,
  context: MapContext,
  result: Parameters,
  pairs: (value: unknown) => Array<{ name: string; value: unknown }>,
): string | undefined {
  if (parameters.authentication === "predefinedCredentialType") {
    context.warn(`n8n's predefined "${String(parameters.nodeCredentialType)}" credential is not supported: the request is sent without authentication until you set header, basic or bearer auth`, "parameters.authentication");
    result.authentication = "none";
  } else {
    const auth = genericHttpAuth(parameters, context);
    if ("unsupported" in auth) return auth.unsupported;
    result.authentication = auth.authentication;
  }
  if (parameters.sendQuery === true) {
    if (parameters.specifyQuery === "json") return "query parameters given as JSON are not supported (name/value pairs are)";
    Object.assign(result, { sendQuery: true, queryParameters: { parameters: pairs(parameters.queryParameters) } });
  }
  if (parameters.sendHeaders === true) {
    if (parameters.specifyHeaders === "json") return "headers given as JSON are not supported (name/value pairs are)";
    Object.assign(result, { sendHeaders: true, headerParameters: { parameters: pairs(parameters.headerParameters) } });
  }
  return undefined;
}
