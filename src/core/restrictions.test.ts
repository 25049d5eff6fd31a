import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileRestrictions, isValidIpRange, isValidReferrerRule } from "./restrictions.js";

const ipAllowed = (list: string[], ip: string | undefined) => compileRestrictions({ ipAllowlist: list }).ipAllowed(ip);
const referrerAllowed = (rules: string[], origin: string | undefined) => compileRestrictions({ referrers: rules }).referrerAllowed(origin);

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
const dotted = (octets: number[]) => octets.join(".");
const toInt = (octets: number[]) => octets.reduce((n, o) => n * 256 + o, 0);

describe("IP allowlist", () => {
  it("allows any IP, or none given, when the list is empty or absent", () => {
    for (const ip of ["1.2.3.4", "::1", undefined, "garbage"]) {
      expect(ipAllowed([], ip)).toBe(true);
      expect(compileRestrictions({}).ipAllowed(ip)).toBe(true);
    }
  });

  it("matches IPv4 CIDRs and single addresses", () => {
    const list = ["10.0.0.0/8", "192.168.1.0/24", "203.0.113.7"];
    for (const ip of ["10.0.0.1", "10.255.255.255", "192.168.1.200", "203.0.113.7"]) expect(ipAllowed(list, ip), ip).toBe(true);
    for (const ip of ["11.0.0.1", "9.255.255.255", "192.168.2.1", "203.0.113.8", "203.0.113.6"]) expect(ipAllowed(list, ip), ip).toBe(false);
  });

  it("matches IPv6 CIDRs and single addresses", () => {
    const list = ["2001:db8::/32", "::1", "fd00:1:2:3::/64"];
    for (const ip of ["2001:db8::1", "2001:db8:ffff:ffff::42", "::1", "0:0:0:0:0:0:0:1", "fd00:1:2:3:abcd::9", "2001:DB8::A"]) expect(ipAllowed(list, ip), ip).toBe(true);
    for (const ip of ["2001:db9::1", "::2", "fd00:1:2:4::1", "10.0.0.1"]) expect(ipAllowed(list, ip), ip).toBe(false);
  });

  it("treats an IPv4-mapped IPv6 client (dual-stack socket) as its IPv4 address", () => {
    expect(ipAllowed(["10.0.0.0/8"], "::ffff:10.1.2.3")).toBe(true);
    expect(ipAllowed(["10.0.0.0/8"], "::ffff:11.1.2.3")).toBe(false);
    expect(ipAllowed(["203.0.113.7"], "::ffff:cb00:7107")).toBe(true);
    // A mapped range in the list means the IPv4 range it maps.
    expect(ipAllowed(["::ffff:10.0.0.0/104"], "10.9.8.7")).toBe(true);
    expect(ipAllowed(["::ffff:10.0.0.0/104"], "11.9.8.7")).toBe(false);
  });

  it("does not let IPv4 and IPv6 ranges match each other", () => {
    expect(ipAllowed(["0.0.0.0/0"], "2001:db8::1")).toBe(false);
    expect(ipAllowed(["2001:db8::/32"], "32.1.13.184")).toBe(false);
  });

  it("refuses a missing or unparseable client IP when a list is set", () => {
    for (const ip of [undefined, "", "localhost", "1.2.3", "1.2.3.4.5", "256.1.1.1", "10.0.0.0/8", " 10.0.0.1"]) {
      expect(ipAllowed(["0.0.0.0/0"], ip), String(ip)).toBe(false);
    }
  });

  it("reads IPv4 only in dotted decimal: no octal, hex or short forms", () => {
    // ipaddr.js alone reads 010.0.0.1 as octal 8.0.0.1 and 127.1 as 127.0.0.1.
    for (const text of ["010.0.0.1", "192.168.001.010", "0x7f000001", "127.1", "2130706433", "010.0.0.0/8"]) {
      expect(isValidIpRange(text), text).toBe(false);
    }
    expect(ipAllowed(["192.168.001.010"], "192.168.1.8")).toBe(false);
    expect(ipAllowed(["8.0.0.0/8"], "010.0.0.1")).toBe(false);
    expect(ipAllowed(["127.0.0.1"], "127.1")).toBe(false);
  });

  it("ignores invalid entries but still restricts (fails closed)", () => {
    expect(ipAllowed(["not-an-ip"], "1.2.3.4")).toBe(false);
    expect(ipAllowed(["not-an-ip", "1.2.3.4"], "1.2.3.4")).toBe(true);
  });

  it("validates ranges", () => {
    for (const ok of ["1.2.3.4", "1.2.3.4/32", "0.0.0.0/0", "10.0.0.0/8", "::1", "::/0", "2001:db8::/32", "::ffff:10.0.0.0/104"]) expect(isValidIpRange(ok), ok).toBe(true);
    for (const bad of ["", "1.2.3.4/33", "1.2.3.4/-1", "2001:db8::/129", "1.2.3.4/", "/8", "example.com", "1.2.3.4 /8"]) expect(isValidIpRange(bad), bad).toBe(false);
  });

  it("an IPv4 CIDR admits exactly the addresses that share its first bits", () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 0, max: 32 }), ipv4, (network, bits, client) => {
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        const inside = ((toInt(network) & mask) >>> 0) === ((toInt(client) & mask) >>> 0);
        expect(ipAllowed([`${dotted(network)}/${bits}`], dotted(client))).toBe(inside);
        expect(ipAllowed([`${dotted(network)}/${bits}`], `::ffff:${dotted(client)}`)).toBe(inside);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("referrer rules", () => {
  it("allows anything, or nothing given, when the list is empty", () => {
    expect(referrerAllowed([], undefined)).toBe(true);
    expect(referrerAllowed([], "garbage")).toBe(true);
  });

  it("an origin with a scheme matches that scheme and host only", () => {
    const rules = ["https://app.example.com"];
    for (const origin of ["https://app.example.com", "https://app.example.com/some/page?q=1", "HTTPS://APP.EXAMPLE.COM", "https://app.example.com:8443"]) {
      expect(referrerAllowed(rules, origin), origin).toBe(true);
    }
    for (const origin of ["http://app.example.com", "https://example.com", "https://x.app.example.com", "https://app.example.com.evil.com", "https://app.example.com@evil.com", "https://evil.com/https://app.example.com"]) {
      expect(referrerAllowed(rules, origin), origin).toBe(false);
    }
  });

  it("a host without a scheme matches it over any scheme, and no other host", () => {
    expect(referrerAllowed(["example.com"], "https://example.com")).toBe(true);
    expect(referrerAllowed(["example.com"], "http://example.com/x")).toBe(true);
    expect(referrerAllowed(["Example.COM"], "https://example.com")).toBe(true);
    expect(referrerAllowed(["example.com"], "https://sub.example.com")).toBe(false);
    expect(referrerAllowed(["example.com"], "https://notexample.com")).toBe(false);
  });

  it("`*.example.com` matches subdomains at any depth, not the apex nor look-alikes", () => {
    const rules = ["*.example.com"];
    for (const origin of ["https://sub.example.com", "https://a.b.example.com", "http://x-y.example.com:3000"]) expect(referrerAllowed(rules, origin), origin).toBe(true);
    for (const origin of ["https://example.com", "https://evil-example.com", "https://example.com.evil.com", "https://sub.example.co", "https://subexample.com"]) {
      expect(referrerAllowed(rules, origin), origin).toBe(false);
    }
    expect(referrerAllowed(["https://*.example.com"], "http://sub.example.com")).toBe(false);
    expect(referrerAllowed(["https://*.example.com"], "https://sub.example.com")).toBe(true);
  });

  it("a port, when given, must match", () => {
    expect(referrerAllowed(["localhost:3000"], "http://localhost:3000")).toBe(true);
    expect(referrerAllowed(["localhost:3000"], "http://localhost:3001")).toBe(false);
    expect(referrerAllowed(["localhost:3000"], "http://localhost")).toBe(false);
    expect(referrerAllowed(["https://example.com:8443"], "https://example.com:8443/x")).toBe(true);
    expect(referrerAllowed(["https://example.com:8443"], "https://example.com")).toBe(false);
  });

  it("a default port written out matches the origin that omits it, and only on its scheme", () => {
    expect(referrerAllowed(["https://example.com:443"], "https://example.com")).toBe(true);
    expect(referrerAllowed(["example.com:443"], "https://example.com")).toBe(true);
    expect(referrerAllowed(["example.com:80"], "http://example.com/page")).toBe(true);
    expect(referrerAllowed(["example.com:443"], "http://example.com")).toBe(false);
    expect(referrerAllowed(["https://example.com"], "https://example.com:443")).toBe(true);
  });

  it("refuses a missing or garbage origin when rules are set", () => {
    for (const origin of [undefined, "", "null", "not a url", "example.com", "//example.com", "https://"]) {
      expect(referrerAllowed(["example.com"], origin), String(origin)).toBe(false);
    }
  });

  it("ignores invalid rules but still restricts", () => {
    expect(referrerAllowed(["not a host!"], "https://example.com")).toBe(false);
    expect(referrerAllowed(["not a host!", "example.com"], "https://example.com")).toBe(true);
  });

  it("validates rules", () => {
    for (const ok of ["example.com", "https://app.example.com", "*.example.com", "https://*.example.com", "localhost:3000", "https://example.com/path"]) expect(isValidReferrerRule(ok), ok).toBe(true);
    for (const bad of ["", "*", "*.", "*example.com", "**.example.com", "exa mple.com", "https://", "example.com:", "example.com:123456", "sub.*.example.com"]) {
      expect(isValidReferrerRule(bad), bad).toBe(false);
    }
  });
});
