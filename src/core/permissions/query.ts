// The permission query language: `a AND (b OR c)`; AND binds tighter than OR; keywords any case.
// A small recursive-descent parser written here because the grammar is Keyward's own; it is bounded
// in length, depth and terms so that a hostile query costs little and cannot overflow the stack.
import { isValidPermission, type PermissionSet } from "./permission.js";

export type PermissionQuery =
  | { type: "permission"; name: string }
  | { type: "and"; terms: PermissionQuery[] }
  | { type: "or"; terms: PermissionQuery[] };

export const QUERY_LIMITS = { maxLength: 1000, maxDepth: 8, maxTerms: 64 } as const;

export type ParseQueryResult = { ok: true; query: PermissionQuery } | { ok: false; message: string };

type Token = { kind: "(" | ")" | "and" | "or" | "name"; text: string; at: number };

class QuerySyntaxError extends Error {}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(\(|\)|[^\s()]+)/y;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < input.length && (match = pattern.exec(input))) {
    const text = match[1]!;
    const at = match.index + match[0].length - text.length;
    const upper = text.toUpperCase();
    if (text === "(" || text === ")") tokens.push({ kind: text, text, at });
    else if (upper === "AND" || upper === "OR") tokens.push({ kind: upper === "AND" ? "and" : "or", text, at });
    else tokens.push({ kind: "name", text, at });
  }
  return tokens;
}

export function parsePermissionQuery(input: string): ParseQueryResult {
  if (typeof input !== "string" || input.trim() === "") return { ok: false, message: "the permission query is empty" };
  if (input.length > QUERY_LIMITS.maxLength) {
    return { ok: false, message: `the permission query is longer than ${QUERY_LIMITS.maxLength} characters` };
  }
  const tokens = tokenize(input);
  let position = 0;
  let terms = 0;

  const peek = () => tokens[position];
  const fail = (message: string): never => {
    throw new QuerySyntaxError(message);
  };

  function parseOr(depth: number): PermissionQuery {
    const parts = [parseAnd(depth)];
    while (peek()?.kind === "or") {
      position++;
      parts.push(parseAnd(depth));
    }
    return parts.length === 1 ? parts[0]! : { type: "or", terms: parts };
  }

  function parseAnd(depth: number): PermissionQuery {
    const parts = [parseFactor(depth)];
    while (peek()?.kind === "and") {
      position++;
      parts.push(parseFactor(depth));
    }
    return parts.length === 1 ? parts[0]! : { type: "and", terms: parts };
  }

  function parseFactor(depth: number): PermissionQuery {
    const token = peek();
    if (!token) return fail("the permission query ends where a permission or '(' was expected");
    if (token.kind === "(") {
      if (depth >= QUERY_LIMITS.maxDepth) fail(`the permission query nests deeper than ${QUERY_LIMITS.maxDepth}`);
      position++;
      const inner = parseOr(depth + 1);
      if (peek()?.kind !== ")") fail(`missing ')' for the '(' at position ${token.at}`);
      position++;
      return inner;
    }
    if (token.kind !== "name") return fail(`unexpected '${token.text}' at position ${token.at}`);
    if (!isValidPermission(token.text)) fail(`'${token.text}' at position ${token.at} is not a permission (resource:action)`);
    if (++terms > QUERY_LIMITS.maxTerms) fail(`the permission query has more than ${QUERY_LIMITS.maxTerms} permissions`);
    position++;
    return { type: "permission", name: token.text };
  }

  try {
    const query = parseOr(0);
    const rest = peek();
    if (rest) fail(`unexpected '${rest.text}' at position ${rest.at}`);
    return { ok: true, query };
  } catch (error) {
    if (error instanceof QuerySyntaxError) return { ok: false, message: error.message };
    throw error;
  }
}

export function evaluatePermissionQuery(query: PermissionQuery, granted: PermissionSet): boolean {
  switch (query.type) {
    case "permission":
      return granted.has(query.name);
    case "and":
      return query.terms.every((term) => evaluatePermissionQuery(term, granted));
    case "or":
      return query.terms.some((term) => evaluatePermissionQuery(term, granted));
  }
}

/** Canonical text of a query (used as a cache key and in answers). */
export function formatPermissionQuery(query: PermissionQuery): string {
  if (query.type === "permission") return query.name;
  const joiner = query.type === "and" ? " AND " : " OR ";
  return query.terms
    .map((term) => (term.type === "permission" || (query.type === "or" && term.type === "and") ? formatPermissionQuery(term) : `(${formatPermissionQuery(term)})`))
    .join(joiner);
}
