// The SDK runs inside users' apps: it must not pull Keyward's server (fastify, kysely, SQLite, Redis…)
// into them. Reads the import graph of src/sdk from the sources and checks every edge.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const SDK = join(SRC, "sdk");

interface Edge {
  from: string;
  specifier: string;
  typeOnly: boolean;
}

function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, false);
  const edges: Edge[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = Boolean(clause && (clause.isTypeOnly || (!clause.name && named && named.length > 0 && named.every((element) => element.isTypeOnly))));
      edges.push({ from: file, specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      const typeOnly = node.isTypeOnly || Boolean(named && named.length > 0 && named.every((element) => element.isTypeOnly));
      edges.push({ from: file, specifier: node.moduleSpecifier.text, typeOnly });
    }
  }
  return edges;
}

function resolveLocal(from: string, specifier: string): string {
  return resolve(dirname(from), specifier.replace(/\.js$/, ".ts"));
}

/**
 * Every module reachable from the SDK's files, with each edge. Type-only edges are listed but not
 * followed: they are erased from the JavaScript a user's app loads.
 */
function walk(): Edge[] {
  const roots = readdirSync(SDK, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
    .map((name) => join(SDK, name));
  const seen = new Set<string>();
  const edges: Edge[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of importsOf(file)) {
      edges.push(edge);
      if (edge.specifier.startsWith(".") && !edge.typeOnly) queue.push(resolveLocal(edge.from, edge.specifier));
    }
  }
  return edges;
}

const rel = (file: string) => relative(SRC, file);
/** Packages an SDK module may load at run time. */
const RUNTIME_PACKAGES = new Set(["openapi-fetch", "structured-headers", "node:crypto"]);
/** Framework types each adapter may name (types only: the user's app brings the framework). */
const TYPE_PACKAGES: Record<string, string[]> = { "sdk/express.ts": ["express"], "sdk/fastify.ts": ["fastify"], "sdk/hono.ts": ["hono"] };
/** Outside src/sdk, only the pure HTTP answer and what it imports. */
const CORE_ALLOWED = /^core\/(http-answer|verify-decision|limits\/(index|rate-limit-headers|check-buckets|sliding-window))\.ts$/;

describe("SDK import graph", () => {
  const edges = walk();

  it("reaches no server module: only src/sdk and the pure core HTTP answer", () => {
    const outside = edges
      .filter((edge) => edge.specifier.startsWith("."))
      .map((edge) => ({ edge, target: rel(resolveLocal(edge.from, edge.specifier)) }))
      .filter(({ target }) => !target.startsWith("sdk/"));
    expect(outside.length).toBeGreaterThan(0);
    for (const { edge, target } of outside) {
      expect(target, `${rel(edge.from)} imports ${edge.specifier}`).toMatch(CORE_ALLOWED);
      // verify-decision pulls permissions and restrictions: allowed only as types (erased).
      if (target === "core/verify-decision.ts") expect(edge.typeOnly, `${rel(edge.from)} must import verify-decision as a type`).toBe(true);
    }
  });

  it("loads no package but openapi-fetch and structured-headers; frameworks only as types in their adapter", () => {
    for (const edge of edges.filter((e) => !e.specifier.startsWith("."))) {
      const where = `${rel(edge.from)} imports ${edge.specifier}`;
      if (edge.typeOnly) {
        expect(TYPE_PACKAGES[rel(edge.from)] ?? [], where).toContain(edge.specifier);
      } else {
        expect(RUNTIME_PACKAGES.has(edge.specifier), where).toBe(true);
      }
    }
  });
});
