// The key finder: every checksum-valid Keyward key in a buffer, in one linear pass with no regex.
// Candidates are anchored on the literal `_live_` / `_test_` (a native substring search); only there
// is the surrounding text read and the CRC computed, so look-alikes cost little and plain text less.
import { BASE62_ALPHABET } from "../core/base62.js";
import { KEY_CHECKSUM_LENGTH, parseKey } from "../core/key-format.js";
import { CRC32_INITIAL, crc32Final, crc32Step } from "./crc32-step.js";

export interface KeyHit {
  /** Byte offset of the key's first character. */
  offset: number;
  /** Byte offset just past its last character. */
  end: number;
  key: string;
}

const ANCHORS = [Buffer.from("_live_"), Buffer.from("_test_")] as const;
const ENV_LENGTH = 4;
/** Key format bounds (DESIGN §3), mirrored here to bound the walk around an anchor. */
const MIN_PREFIX = 2;
const MAX_PREFIX = 16;
const MIN_BODY = 22;
const MAX_BODY = 64;
const CHECKSUM_CODES = Uint8Array.from(BASE62_ALPHABET, (char) => char.charCodeAt(0));

const isLower = (code: number) => code >= 97 && code <= 122;
const isPrefixCode = (code: number) => isLower(code) || (code >= 48 && code <= 57);
const isBase62Code = (code: number) => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || isLower(code);

/** True when the CRC, written as the key's 6 base62 digits, is what stands at `at`. */
function checksumMatches(bytes: Uint8Array, at: number, crc: number): boolean {
  let value = crc;
  for (let i = KEY_CHECKSUM_LENGTH - 1; i >= 0; i--) {
    if (bytes[at + i] !== CHECKSUM_CODES[value % 62]) return false;
    value = Math.floor(value / 62);
  }
  return true;
}

/**
 * The key around the anchor at `anchor` (the `_` before the environment), or null. Every prefix start
 * within reach and every body length is tried, so a key glued to other text (`\nacme_live_…` in an
 * escaped JSON string, `%3dacme_live_…` in a URL) is still found; the work is bounded by the format
 * (16 starts × 70 characters), so the whole pass stays linear in the input.
 */
function keyAt(bytes: Buffer, anchor: number, floor: number): KeyHit | null {
  const bodyStart = anchor + 2 + ENV_LENGTH;
  let run = 0;
  while (run < MAX_BODY + KEY_CHECKSUM_LENGTH && bodyStart + run < bytes.length && isBase62Code(bytes[bodyStart + run]!)) run++;
  if (run < MIN_BODY + KEY_CHECKSUM_LENGTH) return null;

  let earliest = anchor;
  while (earliest > floor && anchor - earliest < MAX_PREFIX && isPrefixCode(bytes[earliest - 1]!)) earliest--;
  for (let start = earliest; start <= anchor - MIN_PREFIX; start++) {
    if (!isLower(bytes[start]!)) continue;
    let crc = CRC32_INITIAL;
    for (let i = start; i < bodyStart; i++) crc = crc32Step(crc, bytes[i]!);
    for (let length = 1; length + KEY_CHECKSUM_LENGTH <= run; length++) {
      crc = crc32Step(crc, bytes[bodyStart + length - 1]!);
      if (length < MIN_BODY || !checksumMatches(bytes, bodyStart + length, crc32Final(crc))) continue;
      const end = bodyStart + length + KEY_CHECKSUM_LENGTH;
      const key = bytes.toString("latin1", start, end);
      // The finder only proposes; the key format itself decides.
      if (parseKey(key).ok) return { offset: start, end, key };
    }
  }
  return null;
}

/** Every valid key in `bytes`, in order, without overlaps. */
export function findKeys(bytes: Buffer): KeyHit[] {
  const hits: KeyHit[] = [];
  const [live, test] = ANCHORS;
  let nextLive = bytes.indexOf(live);
  let nextTest = bytes.indexOf(test);
  let floor = 0;
  while (nextLive >= 0 || nextTest >= 0) {
    const anchor = nextTest < 0 || (nextLive >= 0 && nextLive < nextTest) ? nextLive : nextTest;
    const hit = keyAt(bytes, anchor, floor);
    if (hit) {
      hits.push(hit);
      floor = hit.end;
    }
    // `a_live_test_…`: the next anchor may begin on this one's last `_`.
    const resume = hit ? hit.end : anchor + 1 + ENV_LENGTH;
    if (nextLive >= 0 && nextLive < resume) nextLive = bytes.indexOf(live, resume);
    if (nextTest >= 0 && nextTest < resume) nextTest = bytes.indexOf(test, resume);
  }
  return hits;
}
