import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createId, isId, type IdType } from "./ids.js";

const TYPES: IdType[] = ["ws", "api", "key", "id", "role", "req", "aud", "whk", "msg"];
const types = fc.constantFrom(...TYPES);
const randomBytes = fc.uint8Array({ minLength: 10, maxLength: 10 });
const fixed = (bytes: Uint8Array) => () => bytes;
/** Any millisecond time the 48-bit field holds (until the year 10889). */
const times = fc.integer({ min: 0, max: 2 ** 48 - 1 });

describe("createId", () => {
  it("is `<type>_` and 22 base62 characters", () => {
    fc.assert(
      fc.property(types, times, randomBytes, (type, ms, bytes) => {
        const id = createId(type, new Date(ms), fixed(bytes));
        expect(id).toMatch(new RegExp(`^${type}_[0-9A-Za-z]{22}$`));
        expect(isId(type, id)).toBe(true);
      }),
    );
  });

  it("differs when only the random bytes differ", () => {
    const now = new Date("2025-01-01T00:00:00Z");
    const a = createId("key", now, fixed(new Uint8Array(10)));
    const b = createId("key", now, fixed(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])));
    expect(a).not.toBe(b);
  });

  it("sorts by creation time whatever the random part", () => {
    fc.assert(
      fc.property(types, times, times, randomBytes, randomBytes, (type, t1, t2, r1, r2) => {
        fc.pre(t1 !== t2);
        const [early, late] = t1 < t2 ? [t1, t2] : [t2, t1];
        const first = createId(type, new Date(early), fixed(r1));
        const second = createId(type, new Date(late), fixed(r2));
        expect(first < second).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("a sequence created at increasing times is already sorted", () => {
    fc.assert(
      fc.property(fc.uniqueArray(times, { minLength: 2, maxLength: 40 }), randomBytes, (ms, bytes) => {
        const increasing = [...ms].sort((a, b) => a - b);
        const ids = increasing.map((t, i) => createId("req", new Date(t), fixed(bytes.map((b) => (b + i * 37) % 256))));
        expect([...ids].sort()).toEqual(ids);
      }),
    );
  });

  it("keeps one millisecond apart in order even with extreme random bytes", () => {
    const t = Date.UTC(2030, 0, 1);
    expect(createId("key", new Date(t), fixed(new Uint8Array(10).fill(255))) < createId("key", new Date(t + 1), fixed(new Uint8Array(10)))).toBe(true);
  });
});

describe("isId", () => {
  const id = createId("key", new Date("2025-06-01T12:00:00Z"), fixed(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])));
  const body = id.slice("key_".length);

  it("accepts an id only for its own type", () => {
    expect(isId("key", id)).toBe(true);
    for (const other of TYPES.filter((t) => t !== "key")) expect(isId(other, id)).toBe(false);
    expect(isId("id", `id_${body}`)).toBe(true);
    expect(isId("key", `id_${body}`)).toBe(false);
    expect(isId("id", `key_${body}`)).toBe(false);
  });

  it("rejects wrong length, wrong alphabet, unknown or missing prefixes and padding", () => {
    for (const bad of [body, `key_${body.slice(1)}`, `key_${body}0`, `key_${body.slice(1)}_`, `key_${body.slice(1)}-`, `KEY_${body}`, `keys_${body}`, `key-${body}`, ` key_${body}`, `key_${body}\n`, ""]) {
      expect(isId("key", bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it("never accepts a random string that is not shaped like an id", () => {
    fc.assert(
      fc.property(types, fc.string(), (type, text) => {
        expect(isId(type, text)).toBe(new RegExp(`^${type}_[0-9A-Za-z]{22}$`).test(text));
      }),
    );
  });
});
