// Data for `npm run bench:scan`, made from a fixed seed and cached under bench/.cache/scan (gitignored):
// a ~100 MB tree of code, JSON, YAML, .env and Markdown with planted keys and look-alikes, committed
// once for `git grep`; and a ~2,000-commit history (written with one `git fast-import`) whose keys are
// all removed again later, so they exist only in history, plus a never-merged branch holding keys.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BASE62_ALPHABET } from "../src/core/base62.js";
import { checksumOf, generateKey, hashKey, type KeyEnvironment } from "../src/core/key-format.js";

/** Bump when the generated data changes: caches of another version are rebuilt. */
const FIXTURE_VERSION = 1;
export const CACHE_DIR = join(dirname(fileURLToPath(import.meta.url)), ".cache", "scan");

export interface PlantedKey {
  path: string;
  line: number;
  column: number;
  fingerprint: string;
}

export interface Fixture {
  treeDir: string;
  historyDir: string;
  tree: { bytes: number; files: number; planted: PlantedKey[]; lookAlikes: number };
  history: { commits: number; planted: string[]; lookAlikes: number };
  builtSeconds: number;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    bytes: (size: number) => Uint8Array.from({ length: size }, () => int(256)),
    base62: (length: number) => Array.from({ length }, () => BASE62_ALPHABET[int(62)]).join(""),
  };
}
type Random = ReturnType<typeof createRandom>;

const WORDS = ["user", "account", "billing", "invoice", "is_live_stream", "run_test_suite", "live_test_mode", "api", "client", "handler", "retry", "cache", "token", "session", "event", "queue", "worker"];
const PREFIXES = ["acme", "kw", "payments", "a1", "billing2", "x9y8z7w6v5u4t3s2", "shop"];

function noiseLine(random: Random, ext: string, index: number): string {
  const word = () => random.pick(WORDS);
  const hash = () => random.base62(8 + random.int(40));
  switch (ext) {
    case "json":
      return `  "${word()}_${index}": {"id": "${hash()}", "name": "${word()} ${word()}", "count": ${random.int(100000)}},`;
    case "yaml":
      return `${word()}_${index}: {value: ${hash()}, mode: ${random.pick(["live", "test", "prod"])}_${word()}}`;
    case "env":
      return `${word().toUpperCase()}_${index}=${hash()}`;
    case "md":
      return `The ${word()} ${word()} uses the ${word()}_live_ and ${word()}_test_ settings (${hash()}); see step ${index}.`;
    default:
      return `export function ${word()}_${index}(input: string): string { return call("${hash()}", ${random.int(1000)}) ?? "${word()}"; }`;
  }
}

/** How a key sits on its line in each kind of file; `at` says where on the line. */
function keyLine(ext: string, key: string, at: "start" | "middle" | "end"): { text: string; column: number } {
  if (at === "start") return { text: `${key} # planted`, column: 1 };
  const lead = { json: '  "apiKey": "', yaml: "api_key: ", env: "KEYWARD_KEY=", md: "Use `", ts: 'const key = "' }[ext] ?? 'key = "';
  const tail = at === "end" ? "" : { json: '", "x": 1,', yaml: " # ok", env: " # ok", md: "` here.", ts: '"; // ok' }[ext] ?? '"';
  return { text: `${lead}${key}${tail}`, column: lead.length + 1 };
}

/** Right shape, never a key: a broken checksum, another environment, a body too short, random tail. */
function lookAlike(random: Random): string {
  const prefix = random.pick(PREFIXES);
  const real = generateKey(prefix, "live", random.bytes).key;
  switch (random.int(4)) {
    case 0:
      return real.slice(0, -1) + (real.endsWith("a") ? "b" : "a");
    case 1: {
      const payload = `${prefix}_prod_${random.base62(24)}`;
      return payload + checksumOf(payload);
    }
    case 2: {
      const payload = `${prefix}_test_${random.base62(21)}`;
      return payload + checksumOf(payload);
    }
    default:
      return `${prefix}_live_${random.base62(30)}`;
  }
}

const newKey = (random: Random) => generateKey(random.pick(PREFIXES), random.pick<KeyEnvironment>(["live", "test"]), random.bytes).key;
const git = (cwd: string, ...args: string[]) => {
  const result = spawnSync("git", ["-c", "user.name=Bench", "-c", "user.email=bench@example.com", ...args], { cwd, encoding: "utf8", timeout: 300_000, maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr || result.error}`);
  return result.stdout;
};

function buildTree(dir: string, targetBytes: number, random: Random): Fixture["tree"] {
  const tree: Fixture["tree"] = { bytes: 0, files: 0, planted: [], lookAlikes: 0 };
  const exts = ["ts", "js", "json", "yaml", "env", "md"];
  while (tree.bytes < targetBytes) {
    const ext = random.pick(exts);
    const path = `pkg${random.int(20)}/src/mod${random.int(8)}/file${tree.files}.${ext}`;
    const noise = Array.from({ length: 40 + random.int(1500) }, (_, index) => noiseLine(random, ext, index));
    // One file in three holds keys, one in three look-alikes: at a line's start, middle or end.
    const kind = tree.files % 3;
    const inserts = Array.from({ length: kind === 0 ? 0 : 1 + random.int(3) }, () => ({ before: random.int(noise.length + 1), key: kind === 1 ? newKey(random) : lookAlike(random) }));
    inserts.sort((a, b) => a.before - b.before);
    const lines: string[] = [];
    for (let i = 0, next = 0; i <= noise.length; i++) {
      for (; next < inserts.length && inserts[next]!.before === i; next++) {
        const { key } = inserts[next]!;
        const { text, column } = keyLine(ext === "js" ? "ts" : ext, key, random.pick(["start", "middle", "end"] as const));
        if (kind === 1) tree.planted.push({ path, line: lines.length + 1, column, fingerprint: hashKey(key).slice(0, 16) });
        else tree.lookAlikes++;
        lines.push(text);
      }
      if (i < noise.length) lines.push(noise[i]!);
    }
    const content = `${lines.join("\n")}\n`;
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), content);
    tree.bytes += Buffer.byteLength(content);
    tree.files++;
  }
  return tree;
}

async function buildHistory(dir: string, commits: number, random: Random): Promise<Fixture["history"]> {
  const history: Fixture["history"] = { commits: 0, planted: [], lookAlikes: 0 };
  git(dir, "init", "-q", "-b", "main");
  const importer = spawn("git", ["fast-import", "--quiet"], { cwd: dir, stdio: ["pipe", "inherit", "inherit"] });
  const done = new Promise<number | null>((resolve) => importer.once("close", resolve));
  const send = async (text: string) => {
    if (!importer.stdin.write(text)) await new Promise((resolve) => importer.stdin.once("drain", resolve));
  };
  const files = Array.from({ length: 150 }, (_, index) => {
    const ext = random.pick(["ts", "json", "yaml", "env", "md"]);
    return { path: `app/part${index % 10}/f${index}.${ext}`, ext, lines: Array.from({ length: 60 + random.int(400) }, (_, line) => noiseLine(random, ext, line)) };
  });
  /** Keys waiting to be removed: file, line text, and the commit that removes it. */
  const pending: { file: (typeof files)[number]; text: string; removeAt: number }[] = [];
  const commit = async (ref: string, mark: number, from: number | null, changed: (typeof files)[number][]) => {
    const message = `change ${mark}\n`;
    let text = `commit ${ref}\nmark :${mark}\ncommitter Bench <bench@example.com> ${1_700_000_000 + mark * 60} +0000\ndata ${Buffer.byteLength(message)}\n${message}`;
    if (from !== null) text += `from :${from}\n`;
    for (const file of new Set(changed)) {
      const content = `${file.lines.join("\n")}\n`;
      text += `M 100644 inline ${file.path}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
    }
    await send(text);
    history.commits++;
  };
  const plant = (file: (typeof files)[number], key: string, removeAt: number) => {
    const { text } = keyLine(file.ext, key, random.pick(["start", "middle", "end"] as const));
    file.lines.splice(random.int(file.lines.length), 0, text);
    pending.push({ file, text, removeAt });
  };

  await commit("refs/heads/main", 1, null, files);
  for (let mark = 2; mark <= commits; mark++) {
    const changed = [random.pick(files), random.pick(files)];
    for (const file of changed) file.lines[random.int(file.lines.length)] = noiseLine(random, file.ext, random.int(10_000));
    if (mark % 12 === 0 && mark < commits - 10) {
      const file = random.pick(files);
      const key = newKey(random);
      history.planted.push(hashKey(key).slice(0, 16));
      plant(file, key, Math.min(commits, mark + 1 + random.int(150)));
      changed.push(file);
    }
    if (mark % 17 === 0) {
      const file = random.pick(files);
      plant(file, lookAlike(random), commits + 1);
      history.lookAlikes++;
      changed.push(file);
    }
    for (const entry of pending.filter((item) => item.removeAt === mark)) {
      // A random edit may have replaced the line already: the key left history's tip early, no harm.
      const at = entry.file.lines.indexOf(entry.text);
      if (at >= 0) entry.file.lines.splice(at, 1);
      changed.push(entry.file);
    }
    await commit("refs/heads/main", mark, mark - 1, changed);
  }
  // A branch that was never merged: its keys are reachable from a ref, but from no commit on main.
  for (let i = 0; i < 10; i++) {
    const file = random.pick(files);
    const key = newKey(random);
    history.planted.push(hashKey(key).slice(0, 16));
    plant(file, key, Number.POSITIVE_INFINITY);
    await commit("refs/heads/experiment", commits + 1 + i, i === 0 ? Math.floor(commits / 2) : commits + i, [file]);
  }
  importer.stdin.end();
  if ((await done) !== 0) throw new Error("git fast-import failed");
  git(dir, "reset", "-q", "--hard", "main");
  return history;
}

/** The cached fixture for these sizes, or a new one (about a minute on a small machine). */
export async function loadFixture(sizeMb: number, commits: number): Promise<Fixture> {
  const params = { version: FIXTURE_VERSION, sizeMb, commits, seed: 20_251_123 };
  const root = join(CACHE_DIR, `v${FIXTURE_VERSION}-${sizeMb}mb-${commits}c`);
  const manifestPath = join(root, "manifest.json");
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { params: typeof params } & Fixture;
    if (JSON.stringify(manifest.params) === JSON.stringify(params)) return { ...manifest, builtSeconds: 0 };
  }
  const started = performance.now();
  rmSync(root, { recursive: true, force: true });
  // Ignored from inside as well, so ~200 MB of generated data never shows up in `git status`.
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(join(CACHE_DIR, ".gitignore"), "*\n");
  const random = createRandom(params.seed);
  const treeDir = join(root, "tree");
  const historyDir = join(root, "history");
  mkdirSync(treeDir, { recursive: true });
  mkdirSync(historyDir, { recursive: true });
  const tree = buildTree(treeDir, sizeMb * 1e6, random);
  git(treeDir, "init", "-q", "-b", "main");
  git(treeDir, "add", "-A");
  git(treeDir, "commit", "-q", "-m", "tree");
  const history = await buildHistory(historyDir, commits, random);
  const fixture: Fixture = { treeDir, historyDir, tree, history, builtSeconds: (performance.now() - started) / 1000 };
  writeFileSync(manifestPath, JSON.stringify({ params, ...fixture }));
  return fixture;
}
