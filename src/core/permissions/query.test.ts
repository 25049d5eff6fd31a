import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePermissionSet, permissionCovers } from "./permission.js";
import { QUERY_LIMITS, evaluatePermissionQuery, formatPermissionQuery, parsePermissionQuery, type PermissionQuery } from "./query.js";

const set = (...names: string[]) => compilePermissionSet(names);
function parsed(input: string): PermissionQuery {
  const result = parsePermissionQuery(input);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(input)} to parse: ${result.message}`);
  return result.query;
}
const allows = (input: string, ...granted: string[]) => evaluatePermissionQuery(parsed(input), set(...granted));

// Small vocabulary so random grants and queries often touch the same permissions.
const name = fc.constantFrom("a:read", "a:write", "a.b:read", "b:read", "c:write", "a:*", "a.*:read", "*:read", "*");
const grants = fc.array(fc.constantFrom("a:read", "a:write", "a.b:read", "b:read", "c:write", "a:*", "a.*:read", "*:read", "*"), { maxLength: 4 });

const queries: fc.Arbitrary<PermissionQuery> = fc.letrec<{ node: PermissionQuery; and: PermissionQuery; or: PermissionQuery }>((tie) => ({
  node: fc.oneof({ maxDepth: 7, depthSize: "medium", depthIdentifier: "query" }, name.map((n) => ({ type: "permission" as const, name: n })), tie("and"), tie("or")),
  and: fc.record({ type: fc.constant("and" as const), terms: fc.array(tie("node"), { minLength: 1, maxLength: 3, depthIdentifier: "query" }) }),
  or: fc.record({ type: fc.constant("or" as const), terms: fc.array(tie("node"), { minLength: 1, maxLength: 3, depthIdentifier: "query" }) }),
})).node;

/** The meaning of a query, written independently of the parser and of PermissionSet. */
function reference(query: PermissionQuery, granted: string[]): boolean {
  if (query.type === "permission") return granted.some((g) => permissionCovers(g, query.name));
  const results = query.terms.map((term) => reference(term, granted));
  return query.type === "and" ? results.every(Boolean) : results.some(Boolean);
}

/** A noisier renderer than formatPermissionQuery: keywords in any case, odd spacing, redundant parentheses. */
function render(query: PermissionQuery, pick: () => number): string {
  const space = () => [" ", "  ", "\t", "\n "][pick() % 4]!;
  const keyword = (word: string) => [word, word.toLowerCase(), word[0] + word.slice(1).toLowerCase()][pick() % 3]!;
  const wrap = (text: string) => (pick() % 4 === 0 ? `(${space()}${text})` : text);
  if (query.type === "permission") return wrap(query.name);
  const joiner = `${space()}${keyword(query.type === "and" ? "AND" : "OR")}${space()}`;
  return wrap(query.terms.map((term) => (term.type === "permission" ? render(term, pick) : `(${render(term, pick)})`)).join(joiner));
}
function parenDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (const ch of text) max = Math.max(max, (depth += ch === "(" ? 1 : ch === ")" ? -1 : 0));
  return max;
}
const countTerms = (q: PermissionQuery): number => (q.type === "permission" ? 1 : q.terms.reduce((n, t) => n + countTerms(t), 0));

describe("parsePermissionQuery: grammar", () => {
  it("AND binds tighter than OR", () => {
    expect(parsed("a:read OR b:read AND c:write")).toEqual({
      type: "or",
      terms: [{ type: "permission", name: "a:read" }, { type: "and", terms: [{ type: "permission", name: "b:read" }, { type: "permission", name: "c:write" }] }],
    });
    expect(allows("a:read OR b:read AND c:write", "a:read")).toBe(true); // (a OR b) AND c would refuse
    expect(allows("b:read AND c:write OR a:read", "a:read")).toBe(true);
    expect(allows("a:read OR b:read AND c:write", "b:read")).toBe(false);
  });

  it("parentheses override precedence", () => {
    expect(allows("(a:read OR b:read) AND c:write", "a:read")).toBe(false);
    expect(allows("(a:read OR b:read) AND c:write", "a:read", "c:write")).toBe(true);
    expect(allows("a:read AND (b:read OR c:write)", "a:read", "c:write")).toBe(true);
  });

  it("keywords are case-insensitive, names are not", () => {
    expect(parsed("a:read and b:read Or c:write aNd a:write")).toEqual(parsed("a:read AND b:read OR c:write AND a:write"));
    expect(allows("a:read AND b:read", "A:READ", "B:READ")).toBe(false);
  });

  it("checks wildcard grants against the required names", () => {
    expect(allows("docs.pages:read AND billing:read", "docs.*:read", "*:read")).toBe(true);
    expect(allows("docs:write", "docs.*:write")).toBe(false);
  });

  it("accepts names that contain a keyword, and whitespace of any kind", () => {
    expect(parsed("or:read AND and:write")).toEqual({ type: "and", terms: [{ type: "permission", name: "or:read" }, { type: "permission", name: "and:write" }] });
    expect(parsed("\n(a:read)\tAND\r\nb:read ")).toEqual(parsed("a:read AND b:read"));
    expect(parsed("(a:read)AND(b:read)")).toEqual(parsed("a:read AND b:read"));
  });

  it.each(["", "   ", "a:read AND", "AND a:read", "a:read OR OR b:read", "(a:read", "a:read)", "()", "a:read b:read", "docs", "a:read AND docs", "a:read AND (b:read OR)"])(
    "refuses %j with a message",
    (input) => {
      const result = parsePermissionQuery(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
    },
  );

  it("says where the problem is", () => {
    expect(parsePermissionQuery("a:read AND bogus")).toEqual({ ok: false, message: expect.stringContaining("'bogus' at position 11") });
    expect(parsePermissionQuery("a:read )")).toEqual({ ok: false, message: expect.stringContaining("position 7") });
  });
});

describe("parsePermissionQuery: limits", () => {
  it(`refuses more than ${QUERY_LIMITS.maxLength} characters`, () => {
    const long = Array.from({ length: 8 }, (_, i) => `${String(i).repeat(110)}:read`).join(" OR ");
    const exactly = long.padEnd(QUERY_LIMITS.maxLength, " ");
    expect(parsePermissionQuery(exactly).ok).toBe(true);
    expect(parsePermissionQuery(`${exactly} `)).toEqual({ ok: false, message: expect.stringContaining("longer than 1000") });
  });

  it(`refuses nesting deeper than ${QUERY_LIMITS.maxDepth}`, () => {
    const nest = (n: number) => `${"(".repeat(n)}a:read${")".repeat(n)}`;
    expect(allows(nest(QUERY_LIMITS.maxDepth), "a:read")).toBe(true);
    expect(parsePermissionQuery(nest(QUERY_LIMITS.maxDepth + 1))).toEqual({ ok: false, message: expect.stringContaining("deeper than 8") });
    expect(parsePermissionQuery(`a:read AND (b:read OR ${nest(QUERY_LIMITS.maxDepth)})`).ok).toBe(false);
  });

  it(`refuses more than ${QUERY_LIMITS.maxTerms} permissions`, () => {
    const terms = (n: number) => Array.from({ length: n }, () => "a:read").join(" OR ");
    expect(parsePermissionQuery(terms(QUERY_LIMITS.maxTerms)).ok).toBe(true);
    expect(parsePermissionQuery(terms(QUERY_LIMITS.maxTerms + 1))).toEqual({ ok: false, message: expect.stringContaining("more than 64") });
  });

  it("answers deeply nested hostile input without overflowing the stack", () => {
    for (const input of ["(".repeat(100_000), `${"(".repeat(100_000)}a:read${")".repeat(100_000)}`, "(".repeat(999) + "a", "a:read AND ".repeat(90_000)]) {
      const result = parsePermissionQuery(input);
      expect(result.ok).toBe(false);
    }
  });
});

describe("parsePermissionQuery: never throws", () => {
  const soup = fc
    .array(fc.tuple(fc.constantFrom("(", ")", "AND", "or", "Or", "a:read", "*", "docs.*:read", "bogus", "a:b:c", ""), fc.constantFrom(" ", "", "\t", "\n")), { maxLength: 80 })
    .map((parts) => parts.map(([token, sep]) => token + sep).join(""));

  it.each([
    ["fc.string", fc.string({ maxLength: 300 })],
    ["binary unicode", fc.string({ unit: "binary", maxLength: 300 })],
    ["token soup", soup],
    ["long strings", fc.string({ minLength: 990, maxLength: 1010, unit: fc.constantFrom("(", ")", " ", "a:read", "AND") })],
  ])("on %s input it returns ok or a message", (_, inputs) => {
    fc.assert(
      fc.property(inputs, (input) => {
        const result = parsePermissionQuery(input);
        if (result.ok) {
          expect(() => evaluatePermissionQuery(result.query, set("a:read"))).not.toThrow();
          expect(parsePermissionQuery(formatPermissionQuery(result.query)).ok).toBe(true);
        } else {
          expect(typeof result.message === "string" && result.message.length > 0).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe("evaluation matches the meaning of the query", () => {
  it("evaluatePermissionQuery on an AST agrees with a reference evaluation", () => {
    fc.assert(
      fc.property(queries, grants, (query, granted) => {
        expect(evaluatePermissionQuery(query, compilePermissionSet(granted))).toBe(reference(query, granted));
      }),
      { numRuns: 1000 },
    );
  });

  it("parse(formatPermissionQuery(ast)) means the same as the ast, and the text of a parsed query is stable", () => {
    fc.assert(
      fc.property(queries, grants, (query, granted) => {
        const back = parsed(formatPermissionQuery(query));
        expect(evaluatePermissionQuery(back, compilePermissionSet(granted))).toBe(reference(query, granted));
        // The canonical text is a cache key: formatting what the parser returns must be a fixpoint.
        const canonical = formatPermissionQuery(back);
        expect(formatPermissionQuery(parsed(canonical))).toBe(canonical);
      }),
      { numRuns: 1000 },
    );
  });

  it("parse(render(ast)) with redundant parentheses and any keyword case means the same as the ast", () => {
    fc.assert(
      fc.property(queries, grants, fc.infiniteStream(fc.nat(1000)), (query, granted, stream) => {
        const numbers = stream[Symbol.iterator]();
        const text = render(query, () => numbers.next().value as number);
        const result = parsePermissionQuery(text);
        if (parenDepth(text) > QUERY_LIMITS.maxDepth || countTerms(query) > QUERY_LIMITS.maxTerms || text.length > QUERY_LIMITS.maxLength) {
          expect(result.ok).toBe(false);
        } else {
          expect(result.ok).toBe(true);
          if (result.ok) expect(evaluatePermissionQuery(result.query, compilePermissionSet(granted))).toBe(reference(query, granted));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
