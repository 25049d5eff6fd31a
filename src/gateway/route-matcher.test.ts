import { describe, expect, it } from "vitest";
import { normalizePath } from "./normalize-path.js";
import { compilePattern, compileRoute, DEFAULT_ROUTE, matchRoute, type GatewayRoute } from "./route-matcher.js";

const routes = [
  { method: "GET" as const, path: "/v1/documents/:id", permissions: "docs:read" },
  { method: ["POST" as const, "PUT" as const], path: "/v1/documents/:id", permissions: "docs:write" },
  { path: "/admin/*", permissions: "admin:*" },
  { path: "/public/*", public: true },
].map((config) => compileRoute(config) as GatewayRoute);
const match = (method: string, path: string) => matchRoute(routes, method, normalizePath(path)).pattern;

describe("route matching", () => {
  it("matches method and pattern, first match wins, else the default", () => {
    expect(match("GET", "/v1/documents/42")).toBe("/v1/documents/:id");
    expect(matchRoute(routes, "GET", "/v1/documents/42").permissions?.text).toBe("docs:read");
    expect(matchRoute(routes, "PUT", "/v1/documents/42").permissions?.text).toBe("docs:write");
    expect(match("DELETE", "/v1/documents/42")).toBe(DEFAULT_ROUTE.pattern);
    expect(match("GET", "/v1/documents")).toBe(DEFAULT_ROUTE.pattern);
    expect(match("GET", "/v1/documents/42/versions")).toBe(DEFAULT_ROUTE.pattern);
  });

  it("lets `*` cover everything below a prefix, the prefix itself included", () => {
    for (const path of ["/admin", "/admin/", "/admin/users/7", "/admin/a/b/c?x"]) expect(match("DELETE", path.split("?")[0]!), path).toBe("/admin/*");
    expect(match("GET", "/administrator")).toBe(DEFAULT_ROUTE.pattern);
  });

  it("applies a GET rule to HEAD too: frameworks answer HEAD with the GET handler", () => {
    expect(match("HEAD", "/v1/documents/1")).toBe("/v1/documents/:id");
  });

  it("cannot be dodged by case, doubled slashes, dot segments or escaped letters", () => {
    for (const path of ["/ADMIN/users", "//admin/users", "/public/../admin/users", "/public/%2e%2e/admin", "/%61dmin/x", "/./admin", "/admin/"]) {
      expect(match("GET", path), path).toBe("/admin/*");
    }
  });

  it("refuses patterns it cannot read, naming the problem", () => {
    expect(compilePattern("/a/*/b")).toMatch(/last segment/);
    expect(compilePattern("/a*")).toMatch(/whole segment/);
    expect(compilePattern("/:1x")).toMatch(/parameter/);
    expect(compilePattern("/a/../b")).toMatch(/normalised/);
    expect(compileRoute({ path: "/x", permissions: "docs:read AND (" })).toMatchObject({ field: "permissions" });
  });
});

describe("path normalisation", () => {
  it("decodes unreserved escapes only, merges slashes and resolves dot segments within the root", () => {
    expect(normalizePath("/a/b")).toBe("/a/b");
    expect(normalizePath("/%7Euser/%41%2f%2F")).toBe("/~user/A%2F%2F");
    expect(normalizePath("/a//b///c")).toBe("/a/b/c");
    expect(normalizePath("/a/./b/../c")).toBe("/a/c");
    expect(normalizePath("/../../etc/passwd")).toBe("/etc/passwd");
    expect(normalizePath("/a/b/..")).toBe("/a/");
    expect(normalizePath("/a/%ZZ")).toBe("/a/%ZZ");
  });
});
