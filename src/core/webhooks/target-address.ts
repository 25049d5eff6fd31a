// Which webhook targets Keyward may call. Webhook URLs are chosen by API users, so without these rules
// a URL could make Keyward reach its own loopback, the private network or a cloud metadata service
// (SSRF). Pure: the caller resolves names and passes the addresses.
import ipaddr from "ipaddr.js";

/** Cloud metadata services, named so that a refusal says what was at stake. */
const METADATA_ADDRESSES = new Set(["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]);

export type AddressVerdict = { ok: true } | { ok: false; range: string };

/**
 * Only globally routable unicast addresses pass: loopback, private (RFC 1918), carrier-grade NAT,
 * link-local (metadata), unique-local, multicast, unspecified, reserved and the IPv6 ranges that embed
 * an IPv4 address (6to4, Teredo, NAT64) are refused. An IPv4-mapped IPv6 address is judged as its IPv4.
 */
export function classifyAddress(address: string): AddressVerdict {
  if (!ipaddr.isValid(address)) return { ok: false, range: "invalid" };
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString()) || METADATA_ADDRESSES.has(parsed.toString())) return { ok: false, range: "metadata" };
  const range = parsed.range();
  return range === "unicast" ? { ok: true } : { ok: false, range };
}

export type WebhookUrlCheck =
  | {
      ok: true;
      url: URL;
      /** What to resolve (brackets of an IPv6 literal removed). */
      host: string;
      /** True when the host is an IP address (no DNS involved). */
      literal: boolean;
    }
  | { ok: false; reason: string };

export interface WebhookUrlRules {
  /** KEYWARD_WEBHOOKS_ALLOW_INTERNAL: any address and plain http are allowed. */
  allowInternal: boolean;
}

/**
 * The checks that need no DNS. WHATWG URL parsing has already rewritten decimal (`2130706433`), hex
 * (`0x7f000001`), octal (`0177.0.0.1`) and short (`127.1`) IPv4 forms to dotted quads, so the
 * address rules see the real address.
 */
export function checkWebhookUrl(raw: string, rules: WebhookUrlRules): WebhookUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "not an absolute URL" };
  }
  if (url.protocol !== "https:" && !(rules.allowInternal && url.protocol === "http:")) {
    return { ok: false, reason: rules.allowInternal ? "must be http or https" : "must be https" };
  }
  // Credentials in a URL end up in logs and listings; receivers authenticate by the signature.
  if (url.username !== "" || url.password !== "") return { ok: false, reason: "must not contain credentials" };
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  if (host === "") return { ok: false, reason: "has no host" };
  const literal = ipaddr.isValid(host);
  if (literal && !rules.allowInternal) {
    const verdict = classifyAddress(host);
    if (!verdict.ok) return { ok: false, reason: `points to a ${verdict.range} address` };
  }
  return { ok: true, url, host, literal };
}
