// Permission names (`resource:action`, dotted resources) and wildcard grants. Keyward's own semantics:
//   `docs:*`      every action on `docs` (not on `docs.pages`)
//   `docs.*:read` `read` on anything strictly below `docs` (`docs.pages`, `docs.pages.x`)
//   `*`           everything (what the first root key holds)
const SEGMENT = "[A-Za-z0-9_-]+";
const PERMISSION_PATTERN = new RegExp(`^(?:\\*|${SEGMENT}(?:\\.${SEGMENT})*(?:\\.\\*)?):(?:${SEGMENT}|\\*)$`);
export const MAX_PERMISSION_LENGTH = 128;

export function isValidPermission(name: string): boolean {
  return name === "*" || (name.length <= MAX_PERMISSION_LENGTH && PERMISSION_PATTERN.test(name));
}

/** Does the granted permission (possibly a wildcard) cover the required one? */
export function permissionCovers(granted: string, required: string): boolean {
  if (granted === required || granted === "*") return true;
  const gColon = granted.lastIndexOf(":");
  const rColon = required.lastIndexOf(":");
  if (gColon < 0 || rColon < 0) return false;
  const gAction = granted.slice(gColon + 1);
  if (gAction !== "*" && gAction !== required.slice(rColon + 1)) return false;
  const gResource = granted.slice(0, gColon);
  const rResource = required.slice(0, rColon);
  if (gResource === rResource) return true;
  if (gResource === "*") return true;
  if (gResource.endsWith(".*")) {
    const base = gResource.slice(0, -1); // keeps the trailing "."
    return rResource.length > base.length && rResource.startsWith(base);
  }
  return false;
}

/** A granted set compiled once per cached key: exact names in a Set, wildcards in a short list. */
export interface PermissionSet {
  has(required: string): boolean;
  readonly names: readonly string[];
}

export function compilePermissionSet(names: Iterable<string>): PermissionSet {
  const exact = new Set<string>();
  const wildcards: string[] = [];
  for (const name of names) {
    exact.add(name);
    if (name.includes("*")) wildcards.push(name);
  }
  const all = [...exact];
  return {
    names: all,
    has(required) {
      if (exact.has(required)) return true;
      for (const pattern of wildcards) if (permissionCovers(pattern, required)) return true;
      return false;
    },
  };
}
