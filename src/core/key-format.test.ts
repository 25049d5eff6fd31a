import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE62_ALPHABET } from "./base62.js";
import { encodeBase62 } from "./base62.js";
import { crc32 } from "./crc32.js";
import {
  KEY_BODY_LENGTH,
  KEY_CHECKSUM_LENGTH,
  MAX_KEY_LENGTH,
  checksumOf,
  generateKey,
  hashKey,
  isValidPrefix,
  isWellFormedKey,
  keyStart,
  parseKey,
  type KeyEnvironment,
} from "./key-format.js";

const prefixes = fc.stringMatching(/^[a-z][a-z0-9]{1,15}$/);
const environments = fc.constantFrom<KeyEnvironment>("live", "test");
/** A random source built from fast-check bytes (never all ≥ 248, so rejection sampling terminates). */
const randomSources = fc.uint8Array({ minLength: 8, maxLength: 64 }).map((bytes) => {
  const pool = Uint8Array.from([...bytes, 7]);
  let at = 0;
  return (size: number) => Uint8Array.from({ length: size }, () => pool[at++ % pool.length]!);
});
const base62 = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...BASE62_ALPHABET), minLength: min, maxLength: max });

/** `payload` + its correct checksum: lets a test build keys the generator would never produce. */
const sealed = (payload: string) => payload + checksumOf(payload);

describe("generateKey", () => {
  it("produces <prefix>_<env>_<body><checksum> with a base62 body of at least 128 bits", () => {
    expect(KEY_BODY_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(128);
    fc.assert(
      fc.property(prefixes, environments, randomSources, (prefix, env, random) => {
        const { key } = generateKey(prefix, env, random);
        expect(key).toMatch(new RegExp(`^${prefix}_${env}_[0-9A-Za-z]{${KEY_BODY_LENGTH + KEY_CHECKSUM_LENGTH}}$`));
        expect(key.split("_")).toHaveLength(3);
      }),
    );
  });

  it("parses back to the same prefix, environment and body", () => {
    fc.assert(
      fc.property(prefixes, environments, randomSources, (prefix, env, random) => {
        const { key } = generateKey(prefix, env, random);
        const parsed = parseKey(key);
        expect(parsed).toEqual({ ok: true, prefix, environment: env, body: key.slice(prefix.length + env.length + 2, -KEY_CHECKSUM_LENGTH) });
      }),
      { numRuns: 500 },
    );
  });

  it("takes its body from the random source it is given", () => {
    const zeros = (size: number) => new Uint8Array(size);
    expect(generateKey("acme", "live", zeros).key.slice("acme_live_".length, -6)).toBe("0".repeat(KEY_BODY_LENGTH));
    const a = generateKey("acme", "live", () => Uint8Array.from({ length: 48 }, (_, i) => i));
    const b = generateKey("acme", "live", () => Uint8Array.from({ length: 48 }, (_, i) => 47 - i));
    expect(a.key).not.toBe(b.key);
  });

  it("refuses an invalid prefix", () => {
    const random = () => new Uint8Array(48);
    for (const prefix of ["a", "A", "Acme", "1acme", "ac_me", "ac-me", "", "a".repeat(17)]) {
      expect(isValidPrefix(prefix)).toBe(false);
      expect(() => generateKey(prefix, "live", random)).toThrow(RangeError);
    }
    expect(isValidPrefix("a".repeat(16))).toBe(true);
  });

  it("returns the SHA-256 hash and the display start of the key", () => {
    fc.assert(
      fc.property(prefixes, environments, randomSources, (prefix, env, random) => {
        const { key, hash, start } = generateKey(prefix, env, random);
        expect(hash).toBe(hashKey(key));
        expect(start).toBe(keyStart(key));
      }),
      { numRuns: 200 },
    );
  });
});

describe("hashKey", () => {
  it("is SHA-256 in lowercase hex", () => {
    expect(hashKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        expect(hashKey(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
      }),
    );
  });
});

describe("keyStart", () => {
  it("is prefix_env_ and the first 4 body characters, never the whole body", () => {
    fc.assert(
      fc.property(prefixes, environments, randomSources, (prefix, env, random) => {
        const { key, start } = generateKey(prefix, env, random);
        const body = key.slice(prefix.length + env.length + 2, -KEY_CHECKSUM_LENGTH);
        expect(start).toBe(`${prefix}_${env}_${body.slice(0, 4)}`);
        expect(start.includes(body)).toBe(false);
        expect(key.length - start.length).toBeGreaterThanOrEqual(KEY_BODY_LENGTH - 4 + KEY_CHECKSUM_LENGTH);
      }),
    );
  });
});

describe("parseKey", () => {
  it("rejects arbitrary strings", () => {
    for (const strings of [fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: fc.constantFrom(..."_abc09XYZliveest"), maxLength: 60 })]) {
      fc.assert(
        fc.property(strings, (text) => {
          expect(parseKey(text).ok).toBe(false);
        }),
        { numRuns: 2000 },
      );
    }
  });

  it("rejects key-shaped strings whose checksum is random (odds of a false accept: 1 in 62^6)", () => {
    fc.assert(
      fc.property(prefixes, environments, base62(22, 64), base62(6, 6), (prefix, env, body, checksum) => {
        expect(parseKey(`${prefix}_${env}_${body}${checksum}`).ok).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it("accepts any well-formed payload with its checksum, bodies from 22 to 64 characters", () => {
    fc.assert(
      fc.property(prefixes, environments, base62(22, 64), (prefix, env, body) => {
        expect(parseKey(sealed(`${prefix}_${env}_${body}`))).toEqual({ ok: true, prefix, environment: env, body });
      }),
    );
  });

  it("rejects a correct checksum on a malformed payload", () => {
    const body = "A".repeat(24);
    for (const payload of [
      `acme_live_${"A".repeat(21)}`, // body too short to carry 128 bits
      `acme_live_${"A".repeat(65)}`,
      `Acme_live_${body}`,
      `acme_prod_${body}`,
      `acme_LIVE_${body}`,
      `acme_live_${body.slice(1)}-`,
      `acme_live_x_${body}`,
      `acmelive_${body}`,
      `a_live_${body}`,
      `acme_live_${body.slice(2)}é`,
    ]) {
      expect(parseKey(sealed(payload)).ok, payload).toBe(false);
    }
  });

  it("rejects anything longer than MAX_KEY_LENGTH without looking further", () => {
    expect(parseKey(sealed(`abcdefghijklmnop_live_${"A".repeat(64)}`)).ok).toBe(true);
    expect(MAX_KEY_LENGTH).toBe(16 + 2 + 4 + 64 + 6);
    expect(parseKey("a".repeat(1_000_000)).ok).toBe(false);
  });

  it("does not throw on non-string input", () => {
    for (const value of [undefined, null, 42, {}, ["acme_live_x"]]) {
      expect(parseKey(value as unknown as string)).toEqual({ ok: false });
    }
  });
});

describe("isWellFormedKey (the hot path's allocation-free format check)", () => {
  /** The format as DESIGN §3 writes it, by regex and BigInt: what the hand-written check must agree with. */
  const reference = (key: string) => {
    const match = /^([a-z][a-z0-9]{1,15})_(live|test)_([0-9A-Za-z]{22,64})([0-9A-Za-z]{6})$/.exec(key);
    return match !== null && key.length <= MAX_KEY_LENGTH && encodeBase62(BigInt(crc32(key.slice(0, -6))), 6) === match[4];
  };
  /** A key, then one edit: a character replaced, inserted or removed, anywhere. */
  const nearKeys = fc
    .tuple(prefixes, environments, base62(20, 66), fc.nat(), fc.constantFrom("replace", "insert", "remove", "none"), fc.constantFrom(..."_aZ09-\u00e9 ", ...BASE62_ALPHABET))
    .map(([prefix, env, body, at, edit, char]) => {
      const key = sealed(`${prefix}_${env}_${body}`);
      const i = at % key.length;
      if (edit === "replace") return key.slice(0, i) + char + key.slice(i + 1);
      if (edit === "insert") return key.slice(0, i) + char + key.slice(i);
      if (edit === "remove") return key.slice(0, i) + key.slice(i + 1);
      return key;
    });

  it("agrees with parseKey and with the reference on arbitrary strings and on near-keys", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: "binary", maxLength: 60 }), nearKeys), (text) => {
        expect(isWellFormedKey(text)).toBe(reference(text));
        expect(parseKey(text).ok).toBe(isWellFormedKey(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("computes the checksum as the reference base62 encoder does", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (payload) => {
        expect(checksumOf(payload)).toBe(encodeBase62(BigInt(crc32(payload)), 6));
      }),
    );
  });
});
