// What a reported token must look like to be worth a lookup. Keyward keys and keys imported from other
// systems (any format) alike are found by SHA-256, so the check is only a cheap bound on garbage.
export const MIN_LEAKED_TOKEN_LENGTH = 8;
export const MAX_LEAKED_TOKEN_LENGTH = 512;

/** Most findings one report may carry (the scanner sends more as several reports). */
export const MAX_LEAK_FINDINGS = 1000;

/** Printable ASCII without spaces, of a plausible length: anything else is no API key. */
export function isPlausibleToken(token: string): boolean {
  if (token.length < MIN_LEAKED_TOKEN_LENGTH || token.length > MAX_LEAKED_TOKEN_LENGTH) return false;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}
