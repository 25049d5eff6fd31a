// Command-line options of `npm run bench` (see bench/run.ts for the list).
import { parseArgs } from "node:util";

export const CASES = ["in-process", "http", "peer", "cold", "memory"] as const;
export type CaseName = (typeof CASES)[number];

export interface BenchOptions {
  /** Everything tiny: a few seconds in all, for CI. */
  smoke: boolean;
  cases: CaseName[];
  /** PostgreSQL URL for the cold case (else KEYWARD_TEST_POSTGRES_URL; none: SQLite only). */
  postgres: string | null;
  /** wrk: seconds measured per server, of warm-up before (0: none), connections. */
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** Write a CPU profile of the Keyward server of the HTTP case under bench/.cache/profiles. */
  profile: boolean;
  /** Exit non-zero when a target is missed (a smoke run only checks that everything runs). */
  strict: boolean;
  /** Diagnosis: the Keyward server's usage flush interval in ms (default: Keyward's own, 5 s). */
  usageFlushMs: number | null;
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: "boolean", default: false },
      only: { type: "string" },
      postgres: { type: "string" },
      seconds: { type: "string" },
      connections: { type: "string" },
      profile: { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      "usage-flush-ms": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      [
        "npm run bench [-- options]",
        "  --smoke             everything tiny (a few seconds): checks the suite runs",
        `  --only a,b          cases to run: ${CASES.join(", ")}`,
        "  --postgres URL      also run the cold case on PostgreSQL (default: $KEYWARD_TEST_POSTGRES_URL)",
        "  --seconds N         wrk measurement per server (default 10, in 5 interleaved slices)",
        "  --connections N     wrk connections (default 64)",
        "  --profile           CPU profile of the Keyward server in the HTTP case (bench/.cache/profiles)",
        "  --strict            exit 1 when a target is missed",
        "  --usage-flush-ms N  diagnosis: the Keyward server's usage flush interval (default 5000)",
      ].join("\n"),
    );
    process.exit(0);
  }
  const smoke = values.smoke ?? false;
  const only = values.only?.split(",").map((name) => name.trim()).filter(Boolean);
  for (const name of only ?? []) if (!(CASES as readonly string[]).includes(name)) throw new Error(`unknown case "${name}" (known: ${CASES.join(", ")})`);
  const number = (text: string | undefined, fallback: number) => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`not a positive number: ${text}`);
    return value;
  };
  return {
    smoke,
    cases: (only as CaseName[] | undefined) ?? [...CASES],
    postgres: values.postgres ?? process.env.KEYWARD_TEST_POSTGRES_URL ?? null,
    seconds: number(values.seconds, smoke ? 1 : 10),
    warmupSeconds: smoke ? 0 : 3,
    connections: number(values.connections, smoke ? 8 : 64),
    profile: values.profile ?? false,
    strict: values.strict ?? false,
    usageFlushMs: values["usage-flush-ms"] === undefined ? null : number(values["usage-flush-ms"], 5000),
  };
}
