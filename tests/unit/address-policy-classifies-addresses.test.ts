import { describe, expect, it } from "vitest";
import { addressMatches, classifyAddress } from "@/lib/net/address-policy";
import { parseHostRule } from "@/lib/net/network-policy";

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.0.0.5", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade-nat"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.251", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["192.0.2.1", "reserved"],
    ["240.0.0.1", "reserved"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["fe80::1", "link-local"],
    ["ff02::1", "multicast"],
    ["fec0::1", "site-local"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:0:127.0.0.1", "loopback"],
    ["64:ff9b::10.0.0.1", "private"],
    ["2002:7f00:1::1", "loopback"],
    ["::127.0.0.1", "ipv4-compatible"],
    ["::7f00:1", "ipv4-compatible"],
    ["::8.8.8.8", "ipv4-compatible"],
    ["2001:db8::1", "reserved"],
    ["2001::1", "tunnel"],
  ])("refuses %s as %s", (address, category) => {
    const verdict = classifyAddress(address);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed === false && verdict.category).toBe(category);
  });

  it.each(["8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8"])(
    "allows the public address %s",
    (address) => {
      expect(classifyAddress(address).allowed).toBe(true);
    },
  );

  it("names the metadata service", () => {
    const verdict = classifyAddress("169.254.169.254");
    expect(verdict.allowed === false && verdict.description).toContain("cloud metadata");
  });
});

describe("allow-list entries", () => {
  it("parses host names, wildcards, addresses, ports and ranges", () => {
    expect(parseHostRule("API.internal")).toEqual({ kind: "host", host: "api.internal", port: undefined });
    expect(parseHostRule("localhost:8080")).toEqual({ kind: "host", host: "localhost", port: "8080" });
    expect(parseHostRule("*.corp.example")).toEqual({ kind: "suffix", suffix: ".corp.example", port: undefined });
    expect(parseHostRule("10.1.2.3")).toEqual({ kind: "address", address: "10.1.2.3" });
    expect(parseHostRule("10.1.2.3:9000")).toEqual({ kind: "address", address: "10.1.2.3", port: "9000" });
    expect(parseHostRule("[fd00::5]:9000")).toEqual({ kind: "address", address: "fd00::5", port: "9000" });
    expect(parseHostRule("10.0.0.0/8")).toEqual({ kind: "range", cidr: "10.0.0.0/8" });
    expect(() => parseHostRule("10.0.0.0/99")).toThrow();
  });

  it("matches addresses against ranges, unwrapping IPv4-mapped IPv6", () => {
    expect(addressMatches("10.9.8.7", "10.0.0.0/8")).toBe(true);
    expect(addressMatches("::ffff:10.9.8.7", "10.0.0.0/8")).toBe(true);
    expect(addressMatches("11.0.0.1", "10.0.0.0/8")).toBe(false);
    expect(addressMatches("fd00::5", "fd00::/8")).toBe(true);
    expect(addressMatches("127.0.0.1", "::ffff:127.0.0.1")).toBe(true);
  });
});
