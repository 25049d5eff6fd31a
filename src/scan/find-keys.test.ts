// The key finder: every valid key found once at the right line and column, nothing else found.
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE62_ALPHABET } from "../core/base62.js";
import { checksumOf, generateKey } from "../core/key-format.js";
import { findKeys } from "./find-keys.js";
import { locateKeys } from "./locate-keys.js";

const keyOf = (prefix: string, env: string, body: string) => `${prefix}_${env}_${body}${checksumOf(`${prefix}_${env}_${body}`)}`;
const found = (text: string) => findKeys(Buffer.from(text)).map((hit) => hit.key);

const base62 = fc.constantFrom(...BASE62_ALPHABET);
const prefixArb = fc.stringMatching(/^[a-z][a-z0-9]{1,15}$/);
const keyArb = fc
  .tuple(prefixArb, fc.constantFrom("live", "test"), fc.array(base62, { minLength: 22, maxLength: 64 }))
  .map(([prefix, env, body]) => keyOf(prefix, env, body.join("")));
/** Text around keys: separators people put around secrets, plus letters, digits, underscores and non-ASCII. */
const SEPARATORS = ['"', "'", "=", ":", " ", "\n", "\r\n", "/", ",", "\t", "`", "(", ")", "{", "}", "&", "?", "#", ";"];
const separator = fc.constantFrom(...SEPARATORS);
const noise = fc.array(fc.oneof(separator, base62, fc.constantFrom("_", "_live_", "_test_", "é", "😀", "\u0000", "-")), { maxLength: 60 }).map((parts) => parts.join(""));

/** What an editor shows: 1-based line, and 1-based column in UTF-16 code units. */
function position(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  return { line: before.split("\n").length, column: index - before.lastIndexOf("\n") };
}

describe("findKeys", () => {
  it("finds any valid key embedded in text, exactly once, at the right line and column", () => {
    fc.assert(
      fc.property(noise, separator, keyArb, separator, noise, (before, left, key, right, after) => {
        const text = `${before}${left}${key}${right}${after}`;
        const index = before.length + left.length;
        const matches = locateKeys(Buffer.from(text));
        expect(matches.map((match) => match.key)).toEqual([key]);
        expect(matches[0]).toMatchObject({ ...position(text, index), endColumn: position(text, index).column + key.length });
      }),
      { numRuns: 1000 },
    );
  });

  it("finds several keys in one text, in order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(noise, separator, keyArb, separator), { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.map(([text, left, key, right]) => `${text}${left}${key}${right}`).join("");
        expect(found(text)).toEqual(parts.map(([, , key]) => key));
      }),
      { numRuns: 300 },
    );
  });

  it("finds no key that was mutated: a changed, dropped or added character, another environment, a body too short", () => {
    const mutated = fc.tuple(keyArb, fc.nat(), base62, fc.constantFrom("substitute", "drop", "insert", "env", "short")).map(([key, at, char, how]) => {
      const second = key.indexOf("_", key.indexOf("_") + 1);
      const where = at % key.length;
      if (how === "env") return keyOf(key.slice(0, key.indexOf("_")), "prod", key.slice(second + 1, -6));
      if (how === "short") return keyOf(key.slice(0, key.indexOf("_")), "live", key.slice(second + 1, second + 22));
      // Only characters of the prefix, the body or the checksum: a changed `_` makes no key at all, and
      // a character inserted before the key's first one leaves the key whole.
      const safe = key[where] === "_" ? where + 1 : how === "insert" ? Math.max(1, where) : where;
      // Inserting a copy of the first character right after it ("aacme_…") leaves the original key whole
      // one character further on, so the insert avoids both neighbours' characters.
      const avoid = new Set([key[safe], how === "insert" ? key[safe - 1] : undefined]);
      const replacement = avoid.has(char) ? ["a", "b", "c"].find((other) => !avoid.has(other))! : char;
      if (how === "substitute") return key.slice(0, safe) + replacement + key.slice(safe + 1);
      if (how === "drop") return key.slice(0, safe) + key.slice(safe + 1);
      return key.slice(0, safe) + replacement + key.slice(safe);
    });
    fc.assert(
      fc.property(noise, separator, mutated, separator, noise, (before, left, key, right, after) => {
        expect(found(`${before}${left}${key}${right}${after}`)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it("finds keys glued to other text: escaped newlines, URL encoding, trailing letters", () => {
    const key = generateKey("acme", "live", randomBytes).key;
    expect(found(`{"env":"KEY=x\\n${key}\\n"}`)).toEqual([key]);
    expect(found(`token%3d${key}%26next`)).toEqual([key]);
    expect(found(`0022${key}`)).toEqual([key]);
    expect(found(`${key}ABCdef123`)).toEqual([key]);
    expect(found(`${key},${key}`)).toEqual([key, key]);
  });

  it("finds keys of the longest prefix (16) and the shortest (2), and bodies of 22 to 64 characters", () => {
    const keys = [keyOf("a234567890123456", "test", "x".repeat(22)), keyOf("ab", "live", "Z".repeat(64)), generateKey("kw", "test", randomBytes).key];
    expect(found(keys.join("\n"))).toEqual(keys);
  });

  it("ignores look-alikes: right shape and random checksum, uppercase prefix, body too long", () => {
    const good = generateKey("acme", "live", randomBytes).key;
    const randomShape = `acme_live_${"A1b2C3d4E5f6G7h8I9j0K1l2"}${"Qx7Yz9"}`;
    const upper = keyOf("Acme", "live", "b".repeat(24));
    const long = keyOf("acme", "live", "c".repeat(65));
    expect(found(`${randomShape} ${upper} ${long} is_live_stream my_test_case ${good.toUpperCase()}`)).toEqual([]);
  });

  it("stays linear on hostile input: a megabyte of anchors and near-keys", () => {
    const nearKey = `ab_live_${"x".repeat(70)}`;
    const hostile = Buffer.from(`${"a_live_test_".repeat(40_000)}${`${nearKey} `.repeat(10_000)}`);
    const started = performance.now();
    expect(findKeys(hostile)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("locateKeys", () => {
  const key = generateKey("acme", "test", randomBytes).key;

  it("counts lines by LF (CRLF files too) and columns in UTF-16 units after multi-byte text", () => {
    const [match] = locateKeys(Buffer.from(`one\r\ntwo\r\né😀 "${key}"\r\n`));
    expect(match).toMatchObject({ line: 3, column: 6, endColumn: 6 + key.length });
  });

  it("marks a key whose line carries keyward-scan:allow, and only that line", () => {
    const matches = locateKeys(Buffer.from(`a = "${key}" # keyward-scan:allow\nb = "${key}"\n`));
    expect(matches.map((match) => [match.line, match.allowedInline])).toEqual([
      [1, true],
      [2, false],
    ]);
  });
});
