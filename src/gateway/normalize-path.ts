// The path a route is matched against, and forwarded as. Matching the raw path would let a client
// dodge a route's requirement with a path the upstream reads as the same one (`/public/../admin`,
// `//admin`, `/%61dmin`), so the gateway normalises first and forwards exactly what it matched.

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** `%61` → `a` for unreserved characters (RFC 3986 §6.2.2.2); other escapes stay, with upper-case hex. */
function decodeUnreserved(path: string): string {
  if (!path.includes("%")) return path;
  return path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
}

/** Merges `//`, and resolves `.` and `..` segments (never above the root). */
function resolveSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split("/");
  for (let index = 1; index < segments.length; index++) {
    const segment = segments[index]!;
    const last = index === segments.length - 1;
    if (segment === "." || segment === "..") {
      if (segment === ".." && out.length > 0) out.pop();
      // `/a/..` names the directory `/`, `/a/b/.` the directory `/a/b/`: keep the trailing slash.
      if (last) out.push("");
      continue;
    }
    if (segment === "" && !last) continue;
    out.push(segment);
  }
  return `/${out.join("/")}`;
}

export function normalizePath(path: string): string {
  const decoded = decodeUnreserved(path);
  // The common path needs no work: no dot segment, no empty segment.
  if (!/\/\.{1,2}(\/|$)|\/\//.test(decoded)) return decoded;
  return resolveSegments(decoded);
}
