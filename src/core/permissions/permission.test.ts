import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_PERMISSION_LENGTH, compilePermissionSet, isValidPermission, permissionCovers } from "./permission.js";

const segment = fc.constantFrom("docs", "pages", "x", "billing", "keys", "a-b", "c_d");
const resource = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("."));
const action = fc.constantFrom("read", "write", "delete", "create");
/** Exact permissions over a small vocabulary, so that random grants and requirements often relate. */
const exactPermission = fc.tuple(resource, action).map(([r, a]) => `${r}:${a}`);
const grant = fc.oneof(
  exactPermission,
  resource.map((r) => `${r}:*`),
  fc.tuple(resource, action).map(([r, a]) => `${r}.*:${a}`),
  resource.map((r) => `${r}.*:*`),
  action.map((a) => `*:${a}`),
  fc.constant("*:*"),
  fc.constant("*"),
);

describe("isValidPermission", () => {
  it.each(["docs:read", "docs.pages:read", "docs.pages.x:read", "docs:*", "docs.*:read", "docs.*:*", "*", "*:read", "*:*", "my-api_2:do-it_now"])("accepts %s", (name) => {
    expect(isValidPermission(name)).toBe(true);
  });

  it.each([
    "docs",
    ":read",
    "docs:",
    "do*cs:read",
    "docs.*.x:read",
    "*.docs:read",
    "docs:re*ad",
    "docs read",
    "docs:read ",
    " docs:read",
    "docs :read",
    "docs..pages:read",
    ".docs:read",
    "docs.:read",
    "docs:read:write",
    "docs:**",
    "**",
    "",
    "dócs:read",
  ])("rejects %j", (name) => {
    expect(isValidPermission(name)).toBe(false);
  });

  it("rejects names longer than MAX_PERMISSION_LENGTH", () => {
    const exactly = `${"a".repeat(MAX_PERMISSION_LENGTH - 5)}:read`;
    expect(exactly).toHaveLength(MAX_PERMISSION_LENGTH);
    expect(isValidPermission(exactly)).toBe(true);
    expect(isValidPermission(`a${exactly}`)).toBe(false);
  });

  it("every generated grant is a valid permission", () => {
    fc.assert(fc.property(grant, (name) => void expect(isValidPermission(name)).toBe(true)));
  });
});

describe("permissionCovers", () => {
  it.each([
    ["docs:read", "docs:read", true],
    ["docs:read", "docs:write", false],
    ["docs:read", "docs.pages:read", false],
    ["docs:*", "docs:read", true],
    ["docs:*", "docs:delete", true],
    ["docs:*", "docs.pages:read", false],
    ["docs:*", "docsx:read", false],
    ["docs.*:read", "docs.pages:read", true],
    ["docs.*:read", "docs.pages.x:read", true],
    ["docs.*:read", "docs:read", false],
    ["docs.*:read", "docs.pages:write", false],
    ["docs.*:read", "docsx.pages:read", false],
    ["docs.*:read", "docs:*", false],
    ["docs.*:*", "docs.pages:write", true],
    ["docs.*:*", "docs:write", false],
    ["*:read", "docs:read", true],
    ["*:read", "docs.pages.x:read", true],
    ["*:read", "docs:write", false],
    ["*", "docs:read", true],
    ["*", "anything.at.all:*", true],
    ["docs:read", "docs:*", false],
    ["docs:read", "*", false],
  ] as const)("%s covers %s: %s", (granted, required, expected) => {
    expect(permissionCovers(granted, required)).toBe(expected);
  });

  it("an exact grant always covers itself", () => {
    fc.assert(fc.property(grant, (name) => void expect(permissionCovers(name, name)).toBe(true)));
  });

  it("`*` covers every permission", () => {
    fc.assert(fc.property(grant, (name) => void expect(permissionCovers("*", name)).toBe(true)));
  });

  it("a grant without `*` covers only itself", () => {
    fc.assert(
      fc.property(exactPermission, grant, (granted, required) => {
        expect(permissionCovers(granted, required)).toBe(granted === required);
      }),
    );
  });

  it("`<r>:*` covers exactly the actions on r, `<r>.*:<a>` exactly a on what is strictly below r", () => {
    fc.assert(
      fc.property(resource, resource, action, action, (r, s, a, b) => {
        expect(permissionCovers(`${r}:*`, `${s}:${b}`)).toBe(r === s);
        expect(permissionCovers(`${r}.*:${a}`, `${s}:${b}`)).toBe(a === b && s.startsWith(`${r}.`));
      }),
    );
  });
});

describe("compilePermissionSet", () => {
  it("has() agrees with some(permissionCovers) for random sets", () => {
    fc.assert(
      fc.property(fc.array(grant, { maxLength: 8 }), fc.array(grant, { minLength: 1, maxLength: 10 }), (granted, required) => {
        const set = compilePermissionSet(granted);
        for (const name of required) expect(set.has(name), name).toBe(granted.some((g) => permissionCovers(g, name)));
      }),
      { numRuns: 1000 },
    );
  });

  it("an empty set grants nothing; names are deduplicated", () => {
    expect(compilePermissionSet([]).has("docs:read")).toBe(false);
    const set = compilePermissionSet(["docs:read", "docs:read", "docs.*:write"]);
    expect(set.names).toEqual(["docs:read", "docs.*:write"]);
    expect(set.has("docs.pages:write")).toBe(true);
    expect(set.has("docs:write")).toBe(false);
  });

  it("accepts any iterable, read once", () => {
    const set = compilePermissionSet(new Set(["*:read"]).values());
    expect(set.has("billing:read")).toBe(true);
    expect(set.has("billing:write")).toBe(false);
  });
});
