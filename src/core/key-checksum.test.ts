// Typo detection of the key checksum (CRC32 over the payload, DESIGN §3), checked exhaustively on fixed keys.
//
// What CRC32 guarantees: for two messages of the SAME length, any error confined to 32 consecutive bits
// is detected. A single substituted character changes one byte and an adjacent transposition changes
// two, so both are always caught inside the payload; inside the checksum the 6 characters are an
// injective encoding, so any change there is caught too. Nothing is guaranteed when the length changes
// (deletion, insertion) or when a transposition straddles the payload/checksum boundary (it changes the
// payload and the expected checksum at once): there a false accept happens with probability ≈ 2^-32.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE62_ALPHABET } from "./base62.js";
import { KEY_CHECKSUM_LENGTH, generateKey, parseKey, type KeyEnvironment } from "./key-format.js";
import type { RandomBytes } from "./random.js";

function seededRandom(seed: string): RandomBytes {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (size) => {
    while (pool.length < size) pool = Buffer.concat([pool, createHash("sha256").update(`${seed}:${counter++}`).digest()]);
    const out = new Uint8Array(pool.subarray(0, size));
    pool = pool.subarray(size);
    return out;
  };
}

const PREFIXES = ["ab", "acme", "sk", "stripe2", "a1b2c3d4e5f6g7h8"];
const KEYS = Array.from({ length: 30 }, (_, i) => {
  const env: KeyEnvironment = i % 2 ? "test" : "live";
  return generateKey(PREFIXES[i % PREFIXES.length]!, env, seededRandom(`mutation-${i}`)).key;
});
/** Characters a typo or a copy/paste slip can introduce. */
const TYPO_CHARS = [...BASE62_ALPHABET, "_", "-", ".", " ", "é", "\u0000"];

const substitutions = function* (key: string) {
  for (let i = 0; i < key.length; i++) for (const ch of TYPO_CHARS) if (ch !== key[i]) yield key.slice(0, i) + ch + key.slice(i + 1);
};
const deletions = function* (key: string) {
  for (let i = 0; i < key.length; i++) yield key.slice(0, i) + key.slice(i + 1);
};
const insertions = function* (key: string) {
  for (let i = 0; i <= key.length; i++) for (const ch of TYPO_CHARS) yield key.slice(0, i) + ch + key.slice(i);
};
/** Adjacent swaps; `straddle` selects the one swap across the payload/checksum boundary, or all others. */
const transpositions = function* (key: string, straddle: boolean) {
  const boundary = key.length - KEY_CHECKSUM_LENGTH - 1;
  for (let i = 0; i + 1 < key.length; i++) {
    if ((i === boundary) !== straddle || key[i] === key[i + 1]) continue;
    yield key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
  }
};

function countAccepted(mutate: (key: string) => Iterable<string>): { attempts: number; accepted: string[] } {
  let attempts = 0;
  const accepted: string[] = [];
  for (const key of KEYS) {
    for (const mutant of mutate(key)) {
      attempts++;
      if (parseKey(mutant).ok) accepted.push(mutant);
    }
  }
  return { attempts, accepted };
}

describe("key checksum: guaranteed detection", () => {
  it("the fixed keys themselves are valid", () => {
    for (const key of KEYS) expect(parseKey(key).ok).toBe(true);
  });

  it("catches every single-character substitution", () => {
    const { attempts, accepted } = countAccepted(substitutions);
    expect(attempts).toBeGreaterThan(50_000);
    expect(accepted).toEqual([]);
  });

  it("catches every adjacent transposition that does not straddle the checksum", () => {
    const { attempts, accepted } = countAccepted((key) => transpositions(key, false));
    expect(attempts).toBeGreaterThan(1_000);
    expect(accepted).toEqual([]);
  });

  it("catches a substitution and a transposition on random keys too", () => {
    const keys = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{1,15}$/), fc.constantFrom<KeyEnvironment>("live", "test"), fc.uint8Array({ minLength: 48, maxLength: 48 }));
    fc.assert(
      fc.property(keys, fc.nat(), fc.constantFrom(...TYPO_CHARS), ([prefix, env, bytes], at, ch) => {
        const key = generateKey(prefix, env, () => bytes.map((b) => b % 248)).key;
        const i = at % key.length;
        if (ch !== key[i]) expect(parseKey(key.slice(0, i) + ch + key.slice(i + 1)).ok).toBe(false);
        const j = at % (key.length - KEY_CHECKSUM_LENGTH - 1); // swap strictly inside the payload
        if (key[j] !== key[j + 1]) expect(parseKey(key.slice(0, j) + key[j + 1] + key[j] + key.slice(j + 2)).ok).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("key checksum: length changes and straddling swaps (not guaranteed by CRC32)", () => {
  // Each mutant is a fresh ~2^-32 chance of a false accept; the bound allows no more than that rate.
  // With these fixed keys the count is deterministic, and it is 0.
  const allowed = (attempts: number) => Math.floor(attempts / 2 ** 32);

  it.each([
    ["deletion", deletions],
    ["insertion", insertions],
    ["straddling transposition", (key: string) => transpositions(key, true)],
  ] as const)("%s: false accepts stay within the 2^-32 rate", (_, mutate) => {
    const { attempts, accepted } = countAccepted(mutate);
    expect(attempts).toBeGreaterThan(20);
    expect(accepted.length).toBeLessThanOrEqual(allowed(attempts));
  });

  it("a deleted or inserted character is refused on random keys as well", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 48, maxLength: 48 }), fc.nat(), fc.constantFrom(...TYPO_CHARS), (bytes, at, ch) => {
        const key = generateKey("acme", "live", () => bytes.map((b) => b % 248)).key;
        const i = at % key.length;
        expect(parseKey(key.slice(0, i) + key.slice(i + 1)).ok).toBe(false);
        expect(parseKey(key.slice(0, i) + ch + key.slice(i)).ok).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
