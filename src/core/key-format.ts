// The key format `<prefix>_<env>_<body><checksum>` (DESIGN §3): generate, parse, hash, display start.
import { createHash } from "node:crypto";
import { encodeBase62, isBase62, randomBase62 } from "./base62.js";
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

export function checksumOf(payload: string): string {
  return encodeBase62(BigInt(crc32(payload)), KEY_CHECKSUM_LENGTH);
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
  if (typeof key !== "string" || key.length > MAX_KEY_LENGTH) return { ok: false };
  const first = key.indexOf("_");
  if (first < 0) return { ok: false };
  const second = key.indexOf("_", first + 1);
  if (second < 0 || key.indexOf("_", second + 1) >= 0) return { ok: false };
  const prefix = key.slice(0, first);
  const environment = key.slice(first + 1, second);
  const rest = key.slice(second + 1);
  if (!isValidPrefix(prefix)) return { ok: false };
  if (environment !== "live" && environment !== "test") return { ok: false };
  const bodyLength = rest.length - KEY_CHECKSUM_LENGTH;
  if (bodyLength < MIN_BODY_LENGTH || bodyLength > MAX_BODY_LENGTH || !isBase62(rest)) return { ok: false };
  const checksum = rest.slice(bodyLength);
  if (checksumOf(key.slice(0, key.length - KEY_CHECKSUM_LENGTH)) !== checksum) return { ok: false };
  return { ok: true, prefix, environment, body: rest.slice(0, bodyLength) };
}

/** SHA-256 hex. Keys carry >128 bits of entropy, so a slow KDF would buy nothing and cost the hot path. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** What may be shown of a key after creation: prefix, environment and the first body characters. */
export function keyStart(key: string): string {
  const second = key.indexOf("_", key.indexOf("_") + 1);
  return key.slice(0, second + 1 + START_BODY_CHARS);
}
