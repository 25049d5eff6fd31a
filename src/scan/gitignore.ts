// A `.gitignore` matcher for folders outside any git repository (inside one, git itself lists the files).
// Covers what projects write: comments, `!` negation, trailing `/` for folders, anchoring by a leading
// or inner `/`, `*`, `?`, `**`, `[…]` classes and `\` escapes. Globs become regexes without nested
// quantifiers, matched against short paths only, so no pattern can make a match slow.

export interface IgnoreRule {
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

/** `relative` is the path from the .gitignore's folder, forward slashes, no leading `/`. */
export type IgnoreMatch = "ignore" | "include" | undefined;

function globToRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === "\\" && i + 1 < glob.length) {
      out += escapeChar(glob[++i]!);
    } else if (char === "*") {
      if (glob[i + 1] === "*") {
        const atStart = i === 0 || glob[i - 1] === "/";
        const atEnd = i + 2 === glob.length || glob[i + 2] === "/";
        if (atStart && atEnd) {
          // `**/` (any folders, or none), or a trailing `/**` (everything inside).
          if (i + 2 === glob.length) out += ".*";
          else {
            out += "(?:.*/)?";
            i++;
          }
          i++;
          continue;
        }
      }
      out += "[^/]*";
      while (glob[i + 1] === "*") i++;
    } else if (char === "?") {
      out += "[^/]";
    } else if (char === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) {
        out += "\\[";
        continue;
      }
      let body = glob.slice(i + 1, close);
      const negated = body.startsWith("!") || body.startsWith("^");
      if (negated) body = body.slice(1);
      out += `[${negated ? "^" : ""}${body.replace(/[\\\]]/g, (c) => `\\${c}`)}]`;
      i = close;
    } else {
      out += escapeChar(char);
    }
  }
  return out;
}

function escapeChar(char: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(char) ? `\\${char}` : char;
}

export function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    // Trailing spaces are dropped unless escaped.
    let line = raw.replace(/(?<!\\)\s+$/, "");
    if (!line || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    if (negate) line = line.slice(1);
    if (line.startsWith("\\#") || line.startsWith("\\!")) line = line.slice(1);
    const dirOnly = line.endsWith("/");
    if (dirOnly) line = line.slice(0, -1);
    if (!line) continue;
    // A slash anywhere but the end anchors the pattern to the .gitignore's folder.
    const anchored = line.includes("/");
    if (line.startsWith("/")) line = line.slice(1);
    const body = globToRegex(line);
    rules.push({ negate, dirOnly, regex: new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`) });
  }
  return rules;
}

/** The last rule that matches decides, as in git. */
export function matchIgnore(rules: readonly IgnoreRule[], relative: string, isDir: boolean): IgnoreMatch {
  let verdict: IgnoreMatch;
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) continue;
    if (rule.regex.test(relative)) verdict = rule.negate ? "include" : "ignore";
  }
  return verdict;
}
