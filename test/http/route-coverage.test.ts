// Every route the app serves is either in the authorization matrix or a deliberate public route,
// so a new route without a guard (or without a matrix line) fails here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/harness.js";
import { send } from "./fixtures.js";
import { PUBLIC_ROUTES, ROUTES } from "./route-table.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h?.close());

/** Reads `app.printRoutes()`'s tree back into "METHOD /full/path" lines (HEAD mirrors GET). */
function servedRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split("\n")) {
    const match = /^(.*?)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? "") + match[2]!;
    stack[depth] = path;
    for (const method of (match[3] ?? "").split(", ").filter(Boolean)) {
      if (method !== "HEAD") routes.push(`${method} ${path}`);
    }
  }
  return [...new Set(routes)];
}

const isPublic = (route: string) => PUBLIC_ROUTES.some((rule) => (typeof rule === "string" ? rule === route : rule.test(route)));

describe("route coverage", () => {
  it("reads the route tree (sanity: the parser finds known routes)", () => {
    const served = servedRoutes(h.app.printRoutes({ commonPrefix: false }));
    expect(served).toContain("POST /v1/keys/:keyId/revoke");
    expect(served).toContain("GET /v1/workspaces/current");
    expect(served).toContain("GET /healthz");
    expect(served.length).toBeGreaterThan(ROUTES.length / 2);
  });

  it("has a matrix line for every served route that is not deliberately public", () => {
    const matrix = new Set(ROUTES.map((row) => `${row.method} ${row.route}`));
    const served = servedRoutes(h.app.printRoutes({ commonPrefix: false }));
    const uncovered = served.filter((route) => !isPublic(route) && !matrix.has(route));
    expect(uncovered).toEqual([]);
  });

  it("has no matrix line for a route the app does not serve", () => {
    const served = new Set(servedRoutes(h.app.printRoutes({ commonPrefix: false })));
    expect(ROUTES.map((row) => `${row.method} ${row.route}`).filter((route) => !served.has(route))).toEqual([]);
  });

  it("documents every matrix route in the OpenAPI document, as needing a root key", async () => {
    const doc = (await send(h, { method: "GET", url: "/openapi.json" })).json;
    const documented = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown }>>).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`, operation })),
    );
    const matrix = new Set(ROUTES.map((row) => `${row.method} ${row.route}`));
    for (const { route, operation } of documented) {
      if (isPublic(route)) continue;
      expect(matrix.has(route), `${route} is documented but not in the matrix`).toBe(true);
      expect(operation.security, route).toEqual([{ rootKey: [] }]);
    }
    expect(documented.map((d) => d.route)).toEqual(expect.arrayContaining([...matrix]));
  });
});
