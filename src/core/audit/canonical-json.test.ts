import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, CanonicalJsonError } from "./canonical-json.js";

/** The same value with every object's keys in a shuffled order (seeded by the test). */
function shuffleKeys(value: unknown, order: number[]): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, order));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  const shuffled = entries.map((entry, i) => ({ entry, rank: order[i % Math.max(order.length, 1)] ?? i })).sort((a, b) => a.rank - b.rank);
  return Object.fromEntries(shuffled.map(({ entry: [key, item] }) => [key, shuffleKeys(item, order.slice(1).concat(order.slice(0, 1)))]));
}

const json = fc.jsonValue({ maxDepth: 5 });

describe("canonicalJson", () => {
  it("gives the same bytes for the same value whatever the key order", () => {
    fc.assert(
      fc.property(json, fc.array(fc.integer(), { minLength: 1, maxLength: 8 }), (value, order) => {
        expect(canonicalJson(shuffleKeys(value, order))).toBe(canonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it("reads back as the value it encodes, so different values give different bytes", () => {
    fc.assert(
      fc.property(json, (value) => {
        // -0 is written 0 by definition: the one JSON number with two spellings in JavaScript.
        expect(JSON.parse(canonicalJson(value))).toEqual(withoutNegativeZero(value));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(json, json, (a, b) => {
        fc.pre(!sameJson(a, b));
        expect(canonicalJson(a)).not.toBe(canonicalJson(b));
      }),
      { numRuns: 500 },
    );
  });

  it("is stable under its own round trip (encode ∘ parse ∘ encode = encode)", () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
      }),
    );
  });

  it("sorts keys by UTF-16 code units, with no whitespace", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], A: { d: 2, c: 3 }, "10": 0, "2": 0, é: 1, "\u{1F600}": 2, "\uFF61": 3 })).toBe(
      '{"10":0,"2":0,"A":{"c":3,"d":2},"a":[true,null,"x"],"b":1,"é":1,"\u{1F600}":2,"\uFF61":3}',
    );
  });

  it("writes numbers as ECMAScript does and -0 as 0", () => {
    expect(canonicalJson([0, -0, 1, -1.5, 1e21, 1e-7, 0.1 + 0.2, 2 ** 53, 123456789012])).toBe(
      "[0,0,1,-1.5,1e+21,1e-7,0.30000000000000004,9007199254740992,123456789012]",
    );
  });

  it("escapes control characters and lone surrogates, and leaves other characters as they are", () => {
    expect(canonicalJson("a\"\\\n\u0000\u001f\u007f é \uD800 \u{1F600}")).toBe('"a\\"\\\\\\n\\u0000\\u001f\u007f é \\ud800 \u{1F600}"');
  });

  it("leaves out undefined properties but refuses undefined array items", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson([undefined])).toThrow(CanonicalJsonError);
  });

  it("refuses what is not a JSON value", () => {
    for (const bad of [NaN, Infinity, -Infinity, 1n, () => 1, Symbol("s"), new Date(0), new Map(), undefined, { a: { b: NaN } }]) {
      expect(() => canonicalJson(bad), String(typeof bad)).toThrow(CanonicalJsonError);
    }
  });

  it("refuses values nested past its depth limit instead of overflowing the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(/nested deeper/);
  });
});

function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return Object.is(a === 0 ? 0 : a, b === 0 ? 0 : b);
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return sameJson(ka, kb) && ka.every((key) => sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function withoutNegativeZero(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutNegativeZero(item)]));
  return Object.is(value, -0) ? 0 : value;
}
