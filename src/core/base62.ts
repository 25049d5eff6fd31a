// Base62 (0-9, A-Z, a-z): no `_` or `-`, so a double click selects a whole key. ASCII order = value order.
import type { RandomBytes } from "./random.js";

export const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE62_SET = new Set(BASE62_ALPHABET);

/** `length` uniformly random base62 characters. Rejection sampling keeps every character unbiased. */
export function randomBase62(length: number, random: RandomBytes): string {
  let out = "";
  while (out.length < length) {
    const bytes = random(length * 2);
    for (const byte of bytes) {
      // 248 = 4 * 62: bytes at or above it would favour the first characters, so they are dropped.
      if (byte < 248) out += BASE62_ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Fixed-width base62 of a non-negative integer (left-padded with "0"). */
export function encodeBase62(value: bigint, width: number): string {
  let out = "";
  let rest = value;
  while (rest > 0n) {
    out = BASE62_ALPHABET[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  if (out.length > width) throw new RangeError(`value does not fit in ${width} base62 characters`);
  return out.padStart(width, "0");
}

export function isBase62(text: string): boolean {
  for (const ch of text) if (!BASE62_SET.has(ch)) return false;
  return true;
}
