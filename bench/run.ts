// `npm run bench`: Keyward's hot path against the floor and a peer, as ratios measured in one run
// (absolute numbers drift on a shared machine). Each case prints a table and ends with one JSON line;
// a summary of every target closes the run. `--smoke` runs everything tiny, for CI. See docs/performance.md.
import { cpus, totalmem } from "node:os";
import { coldCase } from "./cases/cold.js";
import { httpCase, runHttpSession, type HttpSession } from "./cases/http.js";
import { inProcessCase } from "./cases/in-process.js";
import { memoryCase } from "./cases/memory.js";
import { peerCase } from "./cases/peer.js";
import { parseOptions, type CaseName } from "./support/options.js";
import { targetLines, type CaseResult } from "./support/report.js";

const options = parseOptions(process.argv.slice(2));
const started = performance.now();
console.log(
  `keyward bench${options.smoke ? " (smoke)" : ""}: node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model.trim() ?? "unknown"}), ` +
    `${(totalmem() / 1024 ** 3).toFixed(1)} GiB, cases: ${options.cases.join(", ")}`,
);

const results: CaseResult[] = [];
const failures: string[] = [];
// Cases 2 and 3 are measured together, in one interleaved session, run when the first of them comes.
let session: Promise<HttpSession> | null = null;
const httpSession = () => (session ??= runHttpSession(options, options.cases.includes("peer")));
const runners: Record<CaseName, () => Promise<CaseResult>> = {
  "in-process": () => inProcessCase(options),
  http: async () => httpCase(options, await httpSession()),
  peer: async () => peerCase(await httpSession()),
  cold: () => coldCase(options),
  memory: () => memoryCase(options),
};

for (const name of options.cases) {
  try {
    results.push(await runners[name]());
  } catch (error) {
    failures.push(name);
    console.error(`\n=== case ${name} FAILED ===\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

const targets = results.flatMap((result) => result.targets);
const missed = targets.filter((target) => target.met === false);
console.log(`\n=== summary (${((performance.now() - started) / 1000).toFixed(1)} s) ===`);
console.log(targetLines(targets));
if (failures.length > 0) console.log(`  cases that failed to run: ${failures.join(", ")}`);
console.log(JSON.stringify({ bench: "summary", smoke: options.smoke, seconds: (performance.now() - started) / 1000, failed: failures, missed: missed.map((t) => t.name) }));
// A smoke run proves the suite runs (and that nothing writes on the request path); timing targets are
// judged on a full run, where --strict turns a missed one into a failure.
const writeTargetMissed = missed.some((target) => target.name.startsWith("zero database writes"));
process.exitCode = failures.length > 0 || writeTargetMissed || (options.strict && missed.length > 0) ? 1 : 0;
