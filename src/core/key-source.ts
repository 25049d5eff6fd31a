// Where an API's client puts its key (DESIGN §4): `Authorization: Bearer`, `Authorization: ApiKey`,
// `X-API-Key`, or (only when turned on) a query parameter. Shared by the gateway and the nginx
// auth endpoint, so every path reads a key by the same rules. Pure.

/** One accepted place: a header, and for `Authorization`-style headers the scheme before the key. */
export interface KeyHeaderRule {
  /** Lower case, as Node exposes header names. */
  header: string;
  /** Lower case; null when the whole header value is the key. */
  scheme: string | null;
}

export const DEFAULT_KEY_HEADERS = ["Authorization: Bearer", "Authorization: ApiKey", "X-API-Key"] as const;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `"Authorization: Bearer"` → header + scheme, `"X-API-Key"` → header only; null when not well formed. */
export function parseKeyHeaderRule(text: string): KeyHeaderRule | null {
  const colon = text.indexOf(":");
  const header = (colon < 0 ? text : text.slice(0, colon)).trim();
  const scheme = colon < 0 ? null : text.slice(colon + 1).trim();
  if (!TOKEN.test(header) || (scheme !== null && !TOKEN.test(scheme))) return null;
  return { header: header.toLowerCase(), scheme: scheme === null ? null : scheme.toLowerCase() };
}

export type KeySource = { kind: "header"; header: string } | { kind: "query"; param: string };

export interface FoundKey {
  key: string;
  /** Where it was, so that exactly that header or parameter can be stripped before forwarding. */
  source: KeySource;
}

type Headers = Record<string, string | string[] | undefined>;

function fromHeader(value: string, scheme: string | null): string | null {
  if (scheme === null) {
    const key = value.trim();
    return key === "" ? null : key;
  }
  // The scheme is case-insensitive (RFC 9110 §11.1); the key is the one token after it.
  const space = value.search(/[ \t]/);
  if (space < 0 || value.slice(0, space).toLowerCase() !== scheme) return null;
  const key = value.slice(space).trim();
  return key === "" || /\s/.test(key) ? null : key;
}

/**
 * The first key found by the rules, in their order, then in the query parameter when one is named.
 * An `Authorization` header with another scheme (e.g. Basic, meant for the API itself) is no key.
 */
export function findKey(headers: Headers, rules: readonly KeyHeaderRule[], query?: { search: string; param: string }): FoundKey | null {
  for (const rule of rules) {
    const raw = headers[rule.header];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    const key = fromHeader(value, rule.scheme);
    if (key !== null) return { key, source: { kind: "header", header: rule.header } };
  }
  if (query && query.search.length > 1) {
    const key = new URLSearchParams(query.search).get(query.param);
    if (key) return { key, source: { kind: "query", param: query.param } };
  }
  return null;
}
