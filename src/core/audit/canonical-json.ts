// Canonical JSON: one byte sequence per JSON value, so a hash over it commits to the value and not to
// how a database or a client happened to serialise it. The rules (the same as RFC 8785, JCS):
//   - objects: keys sorted by UTF-16 code units, no whitespace; properties whose value is `undefined` are left out;
//   - strings: as ECMAScript JSON.stringify writes them (well-formed: lone surrogates as \uXXXX);
//   - numbers: finite only, as ECMAScript Number::toString writes them; -0 is written 0;
//   - true, false, null as such; arrays in order.
// Anything else (NaN, Infinity, bigint, functions, symbols, Dates, Maps, `undefined` in an array) throws:
// callers turn such values into JSON values first, so that equal bytes always mean equal values.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

export class CanonicalJsonError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "CanonicalJsonError";
  }
}

/** Deepest nesting accepted: deeper values would overflow the recursion (metadata is capped at 32 levels). */
export const MAX_CANONICAL_DEPTH = 64;

export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

function encode(value: unknown, depth: number): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`not a JSON number: ${String(value)}`);
      // String(-0) is "0" already; JSON.stringify and Number::toString agree for every finite number.
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      if (depth >= MAX_CANONICAL_DEPTH) throw new CanonicalJsonError(`nested deeper than ${MAX_CANONICAL_DEPTH} levels`);
      if (Array.isArray(value)) return encodeArray(value, depth + 1);
      if (!isPlainObject(value)) throw new CanonicalJsonError(`not a plain object: ${Object.prototype.toString.call(value)}`);
      return encodeObject(value as Record<string, unknown>, depth + 1);
    default:
      throw new CanonicalJsonError(`not a JSON value: ${typeof value}`);
  }
}

function encodeArray(items: readonly unknown[], depth: number): string {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    if (items[i] === undefined) throw new CanonicalJsonError("undefined in an array");
    out += (i === 0 ? "" : ",") + encode(items[i], depth);
  }
  return out + "]";
}

function encodeObject(object: Record<string, unknown>, depth: number): string {
  // The default sort compares UTF-16 code units, which is the order JCS prescribes.
  const keys = Object.keys(object).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const item = object[key];
    if (item === undefined) continue;
    out += (first ? "" : ",") + JSON.stringify(key) + ":" + encode(item, depth);
    first = false;
  }
  return out + "}";
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
