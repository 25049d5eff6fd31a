// Key restrictions: allowed client IPs (CIDRs) and allowed referrers/origins, compiled once per cached key.
import ipaddr from "ipaddr.js";

export interface Restrictions {
  /** IPv4/IPv6 addresses or CIDR ranges. Empty or absent: any IP. */
  ipAllowlist?: string[];
  /** Origins (`https://app.example.com`), hosts (`example.com`) or host wildcards (`*.example.com`). */
  referrers?: string[];
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
interface ReferrerRule {
  scheme: string | null;
  host: string;
  wildcard: boolean;
  port: string | null;
}

export interface CompiledRestrictions {
  ipAllowed(ip: string | undefined): boolean;
  referrerAllowed(origin: string | undefined): boolean;
}

export function isValidIpRange(value: string): boolean {
  return parseRange(value) !== null;
}

function parseRange(value: string): Range | null {
  if (!isStrictAddress(value.split("/")[0]!)) return null;
  try {
    if (value.includes("/")) {
      const [addr, bits] = ipaddr.parseCIDR(value);
      return [normalise(addr), addr.kind() === "ipv6" && normalise(addr).kind() === "ipv4" ? bits - 96 : bits];
    }
    const addr = normalise(ipaddr.parse(value));
    return [addr, addr.kind() === "ipv4" ? 32 : 128];
  } catch {
    return null;
  }
}

/**
 * IPv4 only as four decimal octets: ipaddr.js alone reads `010.0.0.1` as octal (8.0.0.1), `127.1` as
 * 127.0.0.1 and `0x7f000001` too, so a zero-padded allowlist entry would admit a different address.
 */
function isStrictAddress(text: string): boolean {
  return text.includes(":") ? ipaddr.IPv6.isValid(text) : ipaddr.IPv4.isValidFourPartDecimal(text);
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is the IPv4 address, as a dual-stack socket reports it. */
function normalise(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
}

export function isValidReferrerRule(value: string): boolean {
  return parseReferrerRule(value) !== null;
}

function parseReferrerRule(value: string): ReferrerRule | null {
  const text = value.trim().toLowerCase();
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\/(.+)$/.exec(text);
  const scheme = withScheme ? withScheme[1]! : null;
  const rest = (withScheme ? withScheme[2]! : text).replace(/\/.*$/, "");
  const hostPort = /^(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?$/.exec(rest);
  if (!hostPort) return null;
  return { scheme, wildcard: Boolean(hostPort[1]), host: hostPort[2]!, port: hostPort[3] ? String(Number(hostPort[3])) : null };
}

/** URL drops a scheme's default port (`https://x:443` → port ""), so a rule naming it must compare with it. */
const DEFAULT_PORTS: Record<string, string> = { http: "80", https: "443", ws: "80", wss: "443" };

function parseOrigin(origin: string): { scheme: string; host: string; port: string } | null {
  try {
    const url = new URL(origin);
    const scheme = url.protocol.slice(0, -1);
    return { scheme, host: url.hostname.toLowerCase(), port: url.port || (DEFAULT_PORTS[scheme] ?? "") };
  } catch {
    return null;
  }
}

export function compileRestrictions(restrictions: Restrictions): CompiledRestrictions {
  const ranges = (restrictions.ipAllowlist ?? []).map(parseRange).filter((r): r is Range => r !== null);
  const rules = (restrictions.referrers ?? []).map(parseReferrerRule).filter((r): r is ReferrerRule => r !== null);
  const anyIp = (restrictions.ipAllowlist ?? []).length === 0;
  const anyReferrer = (restrictions.referrers ?? []).length === 0;
  return {
    ipAllowed(ip) {
      if (anyIp) return true;
      if (!ip || !isStrictAddress(ip)) return false;
      const addr = normalise(ipaddr.parse(ip));
      return ranges.some(([range, bits]) => range.kind() === addr.kind() && addr.match(range, bits));
    },
    referrerAllowed(origin) {
      if (anyReferrer) return true;
      const parsed = origin ? parseOrigin(origin) : null;
      if (!parsed) return false;
      return rules.some(
        (rule) =>
          (rule.scheme === null || rule.scheme === parsed.scheme) &&
          (rule.port === null || rule.port === parsed.port) &&
          (rule.wildcard ? parsed.host.endsWith(`.${rule.host}`) : parsed.host === rule.host),
      );
    },
  };
}
