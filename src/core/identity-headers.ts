// The headers that tell a protected API who called it (gateway → upstream, nginx auth_request →
// auth_request_set): X-Keyward-Key-Id, X-Keyward-Identity, X-Keyward-External-Id. Pure.

export interface CallerIdentity {
  keyId: string | null;
  identityId: string | null;
  externalId: string | null;
}

/**
 * An externalId is the provider's own string and may hold any character, but a header value may not
 * (CR/LF would even split it). One that is not plain visible ASCII, or holds `%`, is percent-encoded
 * whole, so an upstream can always apply decodeURIComponent and get the exact id back.
 */
export function headerSafe(value: string): string {
  return /^[\x21-\x24\x26-\x7e](?:[\x20-\x24\x26-\x7e]*[\x21-\x24\x26-\x7e])?$/.test(value) ? value : encodeURIComponent(value);
}

/** Header name → value, only for what is known; names in lower case. */
export function identityHeaders(identity: CallerIdentity): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  if (identity.keyId) headers.push(["x-keyward-key-id", identity.keyId]);
  if (identity.identityId) headers.push(["x-keyward-identity", identity.identityId]);
  if (identity.externalId) headers.push(["x-keyward-external-id", headerSafe(identity.externalId)]);
  return headers;
}
