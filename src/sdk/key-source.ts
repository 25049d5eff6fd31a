// Where a request carries its API key (DESIGN §4): `Authorization: Bearer|ApiKey <key>`, then a
// header such as `X-API-Key`, then — only when turned on — a query parameter.

export interface KeySourceOptions {
  /** Authorization schemes that carry a key, compared case-insensitively. Default `["Bearer", "ApiKey"]`; `[]` ignores Authorization. */
  authorizationSchemes?: readonly string[];
  /** A header that holds the key as is. Default `x-api-key`; false turns it off. */
  keyHeader?: string | false;
  /**
   * A query parameter that holds the key. Off by default: URLs end up in access logs, proxies and
   * browser history. The SDK never logs it, but your framework's access log is yours to redact.
   */
  queryParam?: string | false;
}

/** What the middleware reads from a request, whatever the framework. */
export interface IncomingRequest {
  /** A header's value by lower-case name. */
  header(name: string): string | undefined;
  /** Path and query (`/v1/docs?x=1`) or a full URL: read only for `queryParam`. */
  url: string;
  /** The client's address as the framework sees it (its trust-proxy setting applies). */
  ip: string | undefined;
}

export function createKeyReader(options: KeySourceOptions): (request: IncomingRequest) => string | null {
  const schemes = new Set((options.authorizationSchemes ?? ["Bearer", "ApiKey"]).map((scheme) => scheme.toLowerCase()));
  const keyHeader = options.keyHeader === false ? null : (options.keyHeader ?? "x-api-key").toLowerCase();
  const queryParam = options.queryParam || null;

  return (request) => {
    if (schemes.size > 0) {
      const match = /^\s*([A-Za-z][A-Za-z0-9._~+-]*)\s+(\S+)\s*$/.exec(request.header("authorization") ?? "");
      if (match && schemes.has(match[1]!.toLowerCase())) return match[2]!;
    }
    if (keyHeader) {
      const value = request.header(keyHeader)?.trim();
      if (value) return value;
    }
    if (queryParam && request.url.includes("?")) {
      const value = new URL(request.url, "http://query.invalid").searchParams.get(queryParam)?.trim();
      if (value) return value;
    }
    return null;
  };
}
