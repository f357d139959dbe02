/**
 * The SSRF rules of one outbound request: which URLs and which addresses it may reach.
 *
 * Built per call (so the environment is read at call time) from the caller's options and `HETUMIND_ALLOW_PRIVATE_NETWORK`.
 * The address check runs inside the socket's DNS lookup (`lookupFor`), so the address that is vetted is the address that is
 * connected to: a DNS answer cannot change between the check and the connect.
 */
import { lookup as dnsLookup } from "node:dns";
import type { LookupAddress, LookupOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { NetworkPolicyError } from "../errors";
import { addressMatches, classifyAddress, isIpAddress, unbracket } from "./address-policy";
import { ALLOW_PRIVATE_NETWORK_VARIABLE, readNetEnvironment } from "./env";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a hostname to every address it has. The default is the system resolver (`dns.lookup`, as sockets use). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface NetworkPolicyOptions {
  /** Reach loopback, private, link-local... addresses too (the same as `HETUMIND_ALLOW_PRIVATE_NETWORK=true`). */
  allowPrivateNetwork?: boolean;
  /**
   * Destinations allowed even when they are internal: `internal.example.com`, `*.corp.example` (subdomains only),
   * `localhost:8080` (that port only), `10.1.2.3`, `[fd00::5]:9000`, `10.0.0.0/8`. Host names match the URL's host; addresses
   * and CIDR ranges match the address the host resolves to.
   */
  allowHosts?: readonly string[];
  /** Replaces the system resolver (tests, or a resolver with its own cache). */
  resolve?: HostResolver;
}

export const ALLOWED_PROTOCOLS = new Set(["http:", "https:"]);

type HostRule =
  | { kind: "host"; host: string; port?: string }
  | { kind: "suffix"; suffix: string; port?: string }
  | { kind: "address"; address: string; port?: string }
  | { kind: "range"; cidr: string };

export const systemResolver: HostResolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 })));
    });
  });

/** `https://user:secret@host/path?token=x` -> `https://host/path`: what error messages and logs may show. */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === "https:" ? "443" : "80");
}

export function parseHostRule(entry: string): HostRule {
  const text = entry.trim().toLowerCase();
  if (text.includes("/")) {
    ipaddr.parseCIDR(text); // throws on a malformed range
    return { kind: "range", cidr: text };
  }
  if (isIpAddress(text)) return { kind: "address", address: unbracket(text) };
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { kind: "address", address: bracketed[1], port: bracketed[2] };
  const [host, port] = text.split(":");
  if (isIpAddress(host)) return { kind: "address", address: host, port };
  if (host.startsWith("*.")) return { kind: "suffix", suffix: host.slice(1), port };
  return { kind: "host", host, port };
}

function requestedFamily(family: LookupOptions["family"]): 4 | 6 | undefined {
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return undefined;
}

export class NetworkPolicy {
  readonly allowPrivateNetwork: boolean;
  private readonly rules: HostRule[];
  private readonly resolver: HostResolver;

  constructor(options: NetworkPolicyOptions = {}, environment: NodeJS.ProcessEnv = process.env) {
    this.allowPrivateNetwork = options.allowPrivateNetwork === true || readNetEnvironment(environment).allowPrivateNetwork;
    this.rules = (options.allowHosts ?? []).map(parseHostRule);
    this.resolver = options.resolve ?? systemResolver;
  }

  /** Refuses a scheme other than http/https, and an IP-literal host that is not allowed (sockets skip the lookup for those). */
  checkUrl(url: URL): void {
    if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
      throw new NetworkPolicyError(
        `Request to ${describeUrl(url)} refused: only http: and https: URLs may be fetched (got ${url.protocol})`,
        { url: describeUrl(url) },
      );
    }
    if (isIpAddress(url.hostname)) this.checkAddress(url, unbracket(url.hostname));
  }

  /** Throws `NetworkPolicyError` when `address` (what `url`'s host resolved to) may not be reached. */
  checkAddress(url: URL, address: string): void {
    if (this.allowPrivateNetwork || this.hostIsAllowed(url) || this.addressIsAllowed(url, address)) return;
    const verdict = classifyAddress(address);
    if (verdict.allowed) return;
    const host = unbracket(url.hostname);
    const what = isIpAddress(host) ? `${address} is ${verdict.description}` : `${host} resolves to ${address}, ${verdict.description}`;
    throw new NetworkPolicyError(
      `Request to ${describeUrl(url)} refused: ${what}; set ${ALLOW_PRIVATE_NETWORK_VARIABLE}=true to allow ` +
        `(or add the host to the allow-list)`,
      { url: describeUrl(url), address, category: verdict.category },
    );
  }

  /**
   * A `lookup` for `http.request`: resolves with the policy's resolver, refuses the whole host when any of its addresses may
   * not be reached, and hands the socket only the vetted addresses.
   */
  lookupFor(url: URL): LookupFunction {
    return (hostname: string, options: LookupOptions, callback) => {
      this.resolver(hostname).then(
        (resolved) => {
          try {
            if (resolved.length === 0) throw Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" });
            for (const entry of resolved) this.checkAddress(url, entry.address);
            const family = requestedFamily(options.family);
            const usable: LookupAddress[] = resolved.filter((entry) => family === undefined || entry.family === family);
            if (usable.length === 0) throw Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: "ENOTFOUND" });
            if (options.all) callback(null, usable);
            else callback(null, usable[0].address, usable[0].family);
          } catch (error) {
            callback(error as NodeJS.ErrnoException, "");
          }
        },
        (error: NodeJS.ErrnoException) => callback(error, ""),
      );
    };
  }

  private hostIsAllowed(url: URL): boolean {
    const host = unbracket(url.hostname).toLowerCase();
    const port = defaultPort(url);
    return this.rules.some((rule) => {
      if (rule.kind === "host") return rule.host === host && (rule.port === undefined || rule.port === port);
      if (rule.kind === "suffix") return host.endsWith(rule.suffix) && (rule.port === undefined || rule.port === port);
      return false;
    });
  }

  private addressIsAllowed(url: URL, address: string): boolean {
    const port = defaultPort(url);
    return this.rules.some((rule) => {
      if (rule.kind === "address") return addressMatches(address, rule.address) && (rule.port === undefined || rule.port === port);
      if (rule.kind === "range") return addressMatches(address, rule.cidr);
      return false;
    });
  }
}
