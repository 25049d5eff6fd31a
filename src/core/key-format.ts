// The key format `<prefix>_<env>_<body><checksum>` (DESIGN §3): generate, parse, hash, display start.
import * as crypto from "node:crypto";
import { BASE62_ALPHABET, randomBase62 } from "./base62.js";
import { crc32 } from "./crc32.js";
import type { RandomBytes } from "./random.js";

export type KeyEnvironment = "live" | "test";
export const KEY_ENVIRONMENTS: readonly KeyEnvironment[] = ["live", "test"];

/** 24 base62 characters = 142.9 bits, above the 128-bit floor. */
export const KEY_BODY_LENGTH = 24;
export const KEY_CHECKSUM_LENGTH = 6;
/** Bodies of other lengths parse too, so the body can grow without breaking issued keys. */
const MIN_BODY_LENGTH = 22;
const MAX_BODY_LENGTH = 64;
const START_BODY_CHARS = 4;
export const KEY_PREFIX_PATTERN = /^[a-z][a-z0-9]{1,15}$/;
/** Longest string that can be a key: 16 prefix + 2 separators + 4 env + body + checksum. */
export const MAX_KEY_LENGTH = 16 + 2 + 4 + MAX_BODY_LENGTH + KEY_CHECKSUM_LENGTH;

export interface GeneratedKey {
  /** The secret. Shown once, never stored. */
  key: string;
  hash: string;
  start: string;
}

export interface ParsedKey {
  prefix: string;
  environment: KeyEnvironment;
  body: string;
}

export type ParseKeyResult = ({ ok: true } & ParsedKey) | { ok: false };

export function isValidPrefix(prefix: string): boolean {
  return KEY_PREFIX_PATTERN.test(prefix);
}

/** Fixed-width base62 of the CRC32. A CRC32 is below 2^32 < 62^6, so plain numbers do (no BigInt). */
export function checksumOf(payload: string): string {
  let value = crc32(payload);
  let out = "";
  for (let i = 0; i < KEY_CHECKSUM_LENGTH; i++) {
    out = BASE62_ALPHABET[value % 62]! + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** True for 0-9, A-Z, a-z: by char code, since this runs on every verification. */
function isBase62Code(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function generateKey(prefix: string, environment: KeyEnvironment, random: RandomBytes): GeneratedKey {
  if (!isValidPrefix(prefix)) throw new RangeError("invalid key prefix");
  const payload = `${prefix}_${environment}_${randomBase62(KEY_BODY_LENGTH, random)}`;
  const key = payload + checksumOf(payload);
  return { key, hash: hashKey(key), start: keyStart(key) };
}

/**
 * Checks shape and checksum without any lookup, so a mistyped or made-up key costs no store access.
 * Written by hand: it is the key format itself and sits on the hot path (no regex backtracking).
 */
export function parseKey(key: string): ParseKeyResult {
  if (!isWellFormedKey(key)) return { ok: false };
  const first = key.indexOf("_");
  const second = key.indexOf("_", first + 1);
  return {
    ok: true,
    prefix: key.slice(0, first),
    environment: key.slice(first + 1, second) as KeyEnvironment,
    body: key.slice(second + 1, key.length - KEY_CHECKSUM_LENGTH),
  };
}

/** What `parseKey(key).ok` says, without building the parts: the verify pipeline's format check. */
export function isWellFormedKey(key: string): boolean {
  if (typeof key !== "string" || key.length > MAX_KEY_LENGTH) return false;
  const first = key.indexOf("_");
  if (first < 0) return false;
  const second = key.indexOf("_", first + 1);
  if (second < 0 || key.indexOf("_", second + 1) >= 0) return false;
  if (!isPrefixAt(key, first)) return false;
  const envLength = second - first - 1;
  if (envLength !== 4 || !(key.startsWith("live", first + 1) || key.startsWith("test", first + 1))) return false;
  const bodyLength = key.length - second - 1 - KEY_CHECKSUM_LENGTH;
  if (bodyLength < MIN_BODY_LENGTH || bodyLength > MAX_BODY_LENGTH) return false;
  for (let i = second + 1; i < key.length; i++) if (!isBase62Code(key.charCodeAt(i))) return false;
  // The checksum's digits are compared in place, last first, as checksumOf would write them.
  const payloadLength = key.length - KEY_CHECKSUM_LENGTH;
  let value = crc32(key.slice(0, payloadLength));
  for (let i = key.length - 1; i >= payloadLength; i--) {
    if (key.charCodeAt(i) !== BASE62_ALPHABET.charCodeAt(value % 62)) return false;
    value = Math.floor(value / 62);
  }
  return true;
}

/** KEY_PREFIX_PATTERN on `key.slice(0, end)`, by char code: `[a-z][a-z0-9]{1,15}`. */
function isPrefixAt(key: string, end: number): boolean {
  if (end < 2 || end > 16) return false;
  for (let i = 0; i < end; i++) {
    const code = key.charCodeAt(i);
    const lower = code >= 97 && code <= 122;
    if (!(lower || (i > 0 && code >= 48 && code <= 57))) return false;
  }
  return true;
}

/** One-shot hashing (Node ≥ 20.12): about twice as fast as createHash for a key-sized input. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

/** SHA-256 hex. Keys carry >128 bits of entropy, so a slow KDF would buy nothing and cost the hot path. */
export const hashKey: (key: string) => string =
  typeof oneShotHash === "function" ? (key) => oneShotHash("sha256", key, "hex") : (key) => crypto.createHash("sha256").update(key).digest("hex");

/** What may be shown of a key after creation: prefix, environment and the first body characters. */
export function keyStart(key: string): string {
  const second = key.indexOf("_", key.indexOf("_") + 1);
  return key.slice(0, second + 1 + START_BODY_CHARS);
}
