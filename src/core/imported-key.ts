// Keys from another system (DESIGN §3): not in Keyward's format, so no checksum vouches for them. A cheap
// sanity check stands in for it: only strings that could be such a key ever cost a lookup by hash.
import { isWellFormedKey, keyStart } from "./key-format.js";

/** Bounds of a key Keyward accepts for import, and looks up when an API holds imported keys. */
export const IMPORTED_KEY_MIN_LENGTH = 16;
export const IMPORTED_KEY_MAX_LENGTH = 256;
/** How much of an imported key's plaintext is kept for display: never enough to matter. */
const IMPORTED_START_CHARS = 4;

/** Printable ASCII without spaces (`!` to `~`), 16 to 256 characters: by char code, no regex. */
export function isPlausibleImportedKey(key: string): boolean {
  if (typeof key !== "string" || key.length < IMPORTED_KEY_MIN_LENGTH || key.length > IMPORTED_KEY_MAX_LENGTH) return false;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/** The display start of an imported key: Keyward's own for a key in its format, else 4 characters. */
export function importedKeyStart(key: string): string {
  return isWellFormedKey(key) ? keyStart(key) : key.slice(0, IMPORTED_START_CHARS);
}
