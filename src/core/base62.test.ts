import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE62_ALPHABET, encodeBase62, isBase62, randomBase62 } from "./base62.js";
import type { RandomBytes } from "./random.js";

/** Deterministic, well-mixed bytes: SHA-256 in counter mode. */
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

/** A source that replays `bytes` forever. */
function cyclic(bytes: Uint8Array): RandomBytes {
  let at = 0;
  return (size) => Uint8Array.from({ length: size }, () => bytes[at++ % bytes.length]!);
}

function decodeBase62(text: string): bigint {
  let value = 0n;
  for (const ch of text) value = value * 62n + BigInt(BASE62_ALPHABET.indexOf(ch));
  return value;
}

function chiSquare(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const expected = text.length / 62;
  let sum = 0;
  for (const ch of BASE62_ALPHABET) sum += ((counts.get(ch) ?? 0) - expected) ** 2 / expected;
  return sum;
}

describe("BASE62_ALPHABET", () => {
  it("has 62 distinct characters in ASCII order, none of them '_' or '-'", () => {
    expect(new Set(BASE62_ALPHABET).size).toBe(62);
    expect([...BASE62_ALPHABET].sort().join("")).toBe(BASE62_ALPHABET);
    expect(BASE62_ALPHABET).toMatch(/^[0-9A-Za-z]+$/);
  });
});

describe("randomBase62", () => {
  it("returns exactly the requested number of alphabet characters, whatever the bytes", () => {
    const pools = fc.uint8Array({ minLength: 1, maxLength: 64 }).filter((bytes) => bytes.some((b) => b < 248));
    fc.assert(
      fc.property(pools, fc.integer({ min: 0, max: 100 }), (bytes, length) => {
        const text = randomBase62(length, cyclic(bytes));
        expect(text).toHaveLength(length);
        expect(text).toMatch(/^[0-9A-Za-z]*$/);
      }),
    );
  });

  it("drops bytes at or above 248 instead of folding them onto the first characters", () => {
    // 255 % 62 = 7 and 248 % 62 = 0 would be "7" and "0" with a plain modulo.
    expect(randomBase62(3, cyclic(Uint8Array.from([255, 248, 0, 61, 247])))).toBe("0zz");
    expect(randomBase62(2, cyclic(Uint8Array.from([62, 123])))).toBe("0z");
  });

  it("is close to uniform over the 62 symbols (chi-square, fixed seed)", () => {
    const text = randomBase62(62_000, seededRandom("base62-uniformity"));
    // 61 degrees of freedom: p = 0.001 is at about 101. A plain `byte % 62` scores around 400 here.
    expect(chiSquare(text)).toBeLessThan(120);
  });

  it("the chi-square check does catch the modulo bias it guards against", () => {
    const random = seededRandom("biased");
    const biased = Array.from(random(62_000), (byte) => BASE62_ALPHABET[byte % 62]).join("");
    expect(chiSquare(biased)).toBeGreaterThan(120);
  });
});

describe("encodeBase62", () => {
  it("pads to the given width with '0'", () => {
    expect(encodeBase62(0n, 6)).toBe("000000");
    expect(encodeBase62(61n, 3)).toBe("00z");
    expect(encodeBase62(62n, 3)).toBe("010");
    expect(encodeBase62(62n ** 6n - 1n, 6)).toBe("zzzzzz");
  });

  it("refuses a value that does not fit the width", () => {
    expect(() => encodeBase62(62n ** 6n, 6)).toThrow(RangeError);
  });

  it("always has the exact width and decodes back to the value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }).chain((width) => fc.tuple(fc.constant(width), fc.bigInt({ min: 0n, max: 62n ** BigInt(width) - 1n }))), ([width, value]) => {
        const text = encodeBase62(value, width);
        expect(text).toHaveLength(width);
        expect(isBase62(text)).toBe(true);
        expect(decodeBase62(text)).toBe(value);
      }),
    );
  });

  it("preserves order: a < b implies encode(a) < encode(b) as strings", () => {
    const value = fc.bigInt({ min: 0n, max: 62n ** 22n - 1n });
    fc.assert(
      fc.property(value, value, (a, b) => {
        fc.pre(a !== b);
        const [low, high] = a < b ? [a, b] : [b, a];
        expect(encodeBase62(low, 22) < encodeBase62(high, 22)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("isBase62", () => {
  it("accepts alphabet strings and rejects anything with another character", () => {
    expect(isBase62(BASE62_ALPHABET)).toBe(true);
    expect(isBase62("")).toBe(true);
    for (const bad of ["ab_c", "ab-c", "a b", "é", "a+b", "abc=", "\u0000"]) expect(isBase62(bad)).toBe(false);
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(isBase62(text)).toBe(/^[0-9A-Za-z]*$/.test(text));
      }),
    );
  });
});
