// The headers that cross the gateway. Upstream-bound: the client's, minus hop-by-hop headers, minus any
// X-Keyward-* (only the gateway may say who the caller is), minus any key when keys are stripped; plus
// X-Forwarded-* and the caller's identity. Client-bound: the upstream's, minus hop-by-hop headers.
import { identityHeaders, type CallerIdentity, type KeyHeaderRule } from "../core/index.js";

/** RFC 9110 §7.6.1 connection-specific fields, plus what undici sets itself (host) or refuses (expect). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "expect"]);
/** Without a trusted proxy in front, these come from the client and would lie about where it is. */
const CLIENT_SUPPLIED_FORWARDING = new Set(["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded", "x-real-ip"]);

export interface UpstreamHeaderOptions {
  /** The TCP peer of this request. */
  peer: string;
  proto: "http" | "https";
  trustProxy: boolean;
  /** Every header that can carry a key by these rules is removed (not only the one that did). */
  strip: readonly KeyHeaderRule[] | null;
  identity: CallerIdentity | null;
}

/** Names listed in the Connection header are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionTokens(rawHeaders: readonly string[]): Set<string> | null {
  let tokens: Set<string> | null = null;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]!.toLowerCase() !== "connection") continue;
    tokens ??= new Set();
    for (const token of rawHeaders[index + 1]!.split(",")) tokens.add(token.trim().toLowerCase());
  }
  return tokens;
}

/**
 * A key in a second header (`X-API-Key` beside a Bearer token) must not reach the upstream either;
 * an `Authorization` header of another scheme (Basic, for the API itself) is not a key and stays.
 */
function carriesKey(lower: string, value: string, rules: readonly KeyHeaderRule[]): boolean {
  for (const rule of rules) {
    if (rule.header !== lower) continue;
    if (rule.scheme === null) return true;
    const space = value.search(/[ \t]/);
    if (space > 0 && value.slice(0, space).toLowerCase() === rule.scheme) return true;
  }
  return false;
}

/** A flat [name, value, …] list, as undici takes it: duplicates and the client's spelling survive. */
export function upstreamHeaders(rawHeaders: readonly string[], options: UpstreamHeaderOptions): string[] {
  const listed = connectionTokens(rawHeaders);
  const out: string[] = [];
  let forwardedFor: string | null = null;
  let proto: string | null = null;
  let host: string | null = null;
  let forwardedHost: string | null = null;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    const value = rawHeaders[index + 1]!;
    const lower = name.toLowerCase();
    if (lower === "host") host = value;
    if (HOP_BY_HOP.has(lower) || lower.startsWith("x-keyward-") || listed?.has(lower)) continue;
    if (options.strip && carriesKey(lower, value, options.strip)) continue;
    if (CLIENT_SUPPLIED_FORWARDING.has(lower)) {
      if (!options.trustProxy) continue;
      if (lower === "x-forwarded-for") {
        forwardedFor = forwardedFor === null ? value : `${forwardedFor}, ${value}`;
        continue;
      }
      if (lower === "x-forwarded-proto") proto = value;
      if (lower === "x-forwarded-host") forwardedHost = value;
      if (lower === "x-forwarded-proto" || lower === "x-forwarded-host") continue;
    }
    out.push(name, value);
  }
  out.push("x-forwarded-for", forwardedFor === null ? options.peer : `${forwardedFor}, ${options.peer}`);
  out.push("x-forwarded-proto", proto ?? options.proto);
  if ((forwardedHost ?? host) !== null) out.push("x-forwarded-host", (forwardedHost ?? host)!);
  if (options.identity) for (const [name, value] of identityHeaders(options.identity)) out.push(name, value);
  return out;
}

type ResponseHeaders = Record<string, string | string[] | undefined>;

/** The upstream's response headers for the client, plus the gateway's own (RateLimit fields). */
export function clientHeaders(upstream: ResponseHeaders, extra: Record<string, string>): ResponseHeaders {
  const connection = upstream.connection;
  const listed = connection ? new Set(String(connection).split(",").map((token) => token.trim().toLowerCase())) : null;
  const out: ResponseHeaders = {};
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = upstream[name];
  }
  for (const name in extra) out[name] = extra[name];
  return out;
}
