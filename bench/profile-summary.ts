// `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`: the functions with the most self time in a
// V8 CPU profile (from `npm run bench -- --only http --profile`), and the share under each source file.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topText] = process.argv.slice(2);
if (!file) {
  console.error("usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]");
  process.exit(2);
}
const top = Number(topText ?? 30);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
const total = [...self.values()].reduce((sum, time) => sum + time, 0);

const short = (url: string) => url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "~/").replace(/^.*\/(src|bench)\//, "$1/");
const label = (node: ProfileNode) => `${node.callFrame.functionName || "(anonymous)"} ${short(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
const selfByLabel = new Map<string, number>();
const selfByFile = new Map<string, number>();
for (const [id, time] of self) {
  const node = byId.get(id)!;
  selfByLabel.set(label(node), (selfByLabel.get(label(node)) ?? 0) + time);
  const where = node.callFrame.url ? short(node.callFrame.url).replace(/^~\/((@[^/]+\/)?[^/]+).*/, "~/$1") : node.callFrame.functionName;
  selfByFile.set(where, (selfByFile.get(where) ?? 0) + time);
}
const print = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, time] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((time / total) * 100).toFixed(1).padStart(5)}%  ${(time / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
};
// Inclusive time: a node's self time plus its subtree's, counted once per label on each stack.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const inclusive = new Map<string, number>();
for (const [id, time] of self) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + time);
  }
}
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
print("self time by function", selfByLabel);
print("self time by file or package", selfByFile);
const filter = process.argv[4];
print(`inclusive time by function${filter ? ` (matching ${filter})` : ""}`, new Map([...inclusive].filter(([name]) => !filter || name.includes(filter))));
