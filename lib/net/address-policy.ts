/**
 * Which IP addresses an outbound request may connect to by default: public unicast only.
 *
 * An allow-list of what is public rather than a deny-list of what is internal, so that a range nobody thought of is refused.
 * IPv6 addresses that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, SIIT `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`,
 * 6to4 `2002:aabb:ccdd::`) are judged by the IPv4 address inside them.
 */
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

export type AddressCategory =
  | "loopback"
  | "private"
  | "link-local"
  | "carrier-grade-nat"
  | "unspecified"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "unique-local"
  | "site-local"
  | "ipv4-compatible"
  | "tunnel";

export type AddressVerdict =
  | { allowed: true; address: string }
  | { allowed: false; address: string; category: AddressCategory; description: string };

const DESCRIPTIONS: Record<AddressCategory, string> = {
  loopback: "a loopback address",
  private: "a private address",
  "link-local": "a link-local address",
  "carrier-grade-nat": "a carrier-grade NAT (shared) address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  broadcast: "a broadcast address",
  reserved: "a reserved (non-public) address",
  "unique-local": "a private (IPv6 unique-local) address",
  "site-local": "a private (IPv6 site-local) address",
  "ipv4-compatible": "an IPv4-compatible IPv6 address",
  tunnel: "a tunnel (Teredo) address",
};

const IPV4_CATEGORIES: Record<string, AddressCategory | undefined> = {
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local",
  loopback: "loopback",
  carrierGradeNat: "carrier-grade-nat",
  private: "private",
  reserved: "reserved",
  // as112 and amt are public anycast services: allowed, like any other unicast address.
};

const IPV6_CATEGORIES: Record<string, AddressCategory | undefined> = {
  unspecified: "unspecified",
  linkLocal: "link-local",
  multicast: "multicast",
  loopback: "loopback",
  uniqueLocal: "unique-local",
  deprecatedSiteLocal: "site-local",
  discard: "reserved",
  reserved: "reserved",
  benchmarking: "reserved",
  deprecatedOrchid: "reserved",
  orchid2: "reserved",
  droneRemoteIdProtocolEntityTags: "reserved",
  segmentRouting: "reserved",
  teredo: "tunnel",
};

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parse("2000::");
const METADATA_ADDRESSES = new Set(["169.254.169.254", "169.254.170.2", "fd00:ec2::254"]);

/** Strips the brackets of a URL's IPv6 host (`[::1]` -> `::1`). */
export function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** True for an IP literal as the WHATWG URL parser leaves it (dotted-quad IPv4, or IPv6 with or without brackets). */
export function isIpAddress(host: string): boolean {
  return isIP(unbracket(host)) !== 0;
}

/** Judges one literal IP address (v4 or v6, brackets allowed). Throws on something that is not an address. */
export function classifyAddress(input: string): AddressVerdict {
  const text = unbracket(input);
  // ipaddr.js reads `::a.b.c.d` as `::ffff:a.b.c.d`; it is the deprecated IPv4-compatible form, which no one should reach.
  if (/^::(\d{1,3}\.){3}\d{1,3}$/.test(text)) {
    return { allowed: false, address: text, category: "ipv4-compatible", description: DESCRIPTIONS["ipv4-compatible"] };
  }
  const parsed = ipaddr.parse(text);
  const address = parsed.toString();
  const refused = (category: AddressCategory): AddressVerdict => ({
    allowed: false,
    address,
    category,
    description: METADATA_ADDRESSES.has(address) ? `${DESCRIPTIONS[category]} (cloud metadata service)` : DESCRIPTIONS[category],
  });

  if (parsed.kind() === "ipv4") {
    const category = IPV4_CATEGORIES[parsed.range()];
    return category ? refused(category) : { allowed: true, address };
  }

  const v6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded) {
    const inner = classifyAddress(embedded.toString());
    if (inner.allowed) return { allowed: true, address };
    return { ...inner, address, description: `${inner.description} (${embedded.toString()} inside the IPv6 address ${address})` };
  }
  const category = IPV6_CATEGORIES[v6.range()];
  if (category) return refused(category);
  // Everything in ::/96 that is not :: or ::1 is a deprecated IPv4-compatible address; anything outside 2000::/3 is unassigned.
  if (v6.parts.slice(0, 6).every((part) => part === 0)) return refused("ipv4-compatible");
  if (!v6.match(GLOBAL_UNICAST_V6, 3)) return refused("reserved");
  return { allowed: true, address };
}

function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range();
  const parts = address.parts;
  const fromLow32 = () => new ipaddr.IPv4([parts[6] >> 8, parts[6] & 0xff, parts[7] >> 8, parts[7] & 0xff]);
  if (range === "ipv4Mapped" || range === "rfc6145") return fromLow32();
  // 64:ff9b::/96 is the well-known NAT64 prefix; 64:ff9b:1::/48 is for local use and stays refused as reserved below.
  if (range === "rfc6052" && parts[2] === 0) return fromLow32();
  if (range === "6to4") return new ipaddr.IPv4([parts[1] >> 8, parts[1] & 0xff, parts[2] >> 8, parts[2] & 0xff]);
  return undefined;
}

/** True when `address` lies in `cidr` (`10.0.0.0/8`, `fd00::/8`) or equals it (a bare address). IPv4-mapped IPv6 is unwrapped. */
export function addressMatches(address: string, cidrOrAddress: string): boolean {
  try {
    let parsed = ipaddr.parse(unbracket(address));
    if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
      parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    }
    if (cidrOrAddress.includes("/")) {
      const [network, bits] = ipaddr.parseCIDR(cidrOrAddress);
      return parsed.kind() === network.kind() && parsed.match(network, bits);
    }
    let other = ipaddr.parse(unbracket(cidrOrAddress));
    if (other.kind() === "ipv6" && (other as ipaddr.IPv6).isIPv4MappedAddress()) {
      other = (other as ipaddr.IPv6).toIPv4Address();
    }
    return parsed.kind() === other.kind() && parsed.toNormalizedString() === other.toNormalizedString();
  } catch {
    return false;
  }
}
