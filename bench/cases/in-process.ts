// Case 1: verification of a cached key in-process (µs/op), against the floor measured in the same
// process: SHA-256 of the key plus one Map lookup over 100k keys.
import { parsePermissionQuery, type PermissionQuery, type VerificationRequest } from "../../src/core/index.js";
import { closeServiceContext, createServiceContext } from "../../src/services/index.js";
import { createStore } from "../../src/storage/index.js";
import type { Verifier } from "../../src/verify/index.js";
import { BENCH_QUERY, benchKey, flavourOf, sqliteDataset, type Flavour } from "../support/dataset.js";
import { sha256Hex } from "../support/sha256.js";
import { fmt, printCase, table, type CaseResult } from "../support/report.js";
import { installWriteCounter, resetWriteCounts, writeCounts } from "../support/sqlite-writes.js";
import type { BenchOptions } from "../support/options.js";

const TARGET_RATIO = 3;

interface Variant {
  name: string;
  run: (index: number) => unknown;
  async: boolean;
}

/** µs per operation over `ops` calls (awaited one after the other when async). */
async function timeOps(variant: Variant, ops: number, offset: number): Promise<number> {
  const started = performance.now();
  if (variant.async) for (let i = 0; i < ops; i++) await variant.run(offset + i);
  else for (let i = 0; i < ops; i++) variant.run(offset + i);
  return ((performance.now() - started) * 1000) / ops;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function inProcessCase(options: BenchOptions): Promise<CaseResult> {
  const keyCount = options.smoke ? 3_000 : 100_000;
  const rounds = options.smoke ? 3 : 7;
  const opsPerRound = options.smoke ? 3_000 : 100_000;
  installWriteCounter();
  const dataset = await sqliteDataset(keyCount);
  const keys = Array.from({ length: keyCount }, (_, index) => benchKey(index));
  const byFlavour = (flavour: Flavour) => keys.filter((_, index) => flavourOf(index) === flavour);

  // The floor: what any verification must do at least: hash the key, look the hash up.
  const floorMap = new Map<string, { id: number }>();
  keys.forEach((key, index) => floorMap.set(sha256Hex(key), { id: index }));
  let sink = 0;
  const floor: Variant = {
    name: "floor: SHA-256 + Map.get (100k keys)",
    async: false,
    run: (i) => {
      if (floorMap.get(sha256Hex(keys[i % keyCount]!))) sink++;
    },
  };

  const store = await createStore({ url: dataset.databaseUrl });
  // The case is the cached path: entries must outlive the fill and the rounds (the default TTL is 60 s).
  const ctx = createServiceContext({ store, logger: { warn() {} }, cache: { ttlMs: 3_600_000 } });
  const verifier: Verifier = ctx.verifier;
  const request: VerificationRequest = { workspaceId: dataset.workspaceId };
  const parsed = parsePermissionQuery(BENCH_QUERY);
  if (!parsed.ok) throw new Error(`bench query does not parse: ${parsed.message}`);
  const permissionRequest: VerificationRequest = { workspaceId: dataset.workspaceId, permissionQuery: parsed.query as PermissionQuery };
  const verifyVariant = (name: string, pool: string[], req: VerificationRequest): Variant => ({
    name,
    async: true,
    run: async (i) => {
      const outcome = await verifier.verify(pool[i % pool.length]!, req);
      if (outcome.code !== "VALID") throw new Error(`${name}: expected VALID, got ${outcome.code}`);
    },
  });
  const variants = [
    floor,
    verifyVariant("keyward: no limit", byFlavour("plain"), request),
    verifyVariant("keyward: one auto-applied rate limit", byFlavour("ratelimit"), request),
    verifyVariant(`keyward: permission query`, byFlavour("permissions"), permissionRequest),
  ];

  try {
    // Fill the cache with every key (store reads), then one untimed pass to let the JIT settle.
    const warmStarted = performance.now();
    for (const key of keys) await verifier.verify(key, request);
    const warmSeconds = (performance.now() - warmStarted) / 1000;
    for (const variant of variants) await timeOps(variant, Math.min(opsPerRound, 20_000), 0);
    resetWriteCounts();
    const cacheLookupsBefore = await cacheMisses(ctx.metrics.registry);

    // Rounds interleave the variants, so drift from other load on the machine hits all of them alike.
    const samples = variants.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      for (const [index, variant] of variants.entries()) samples[index]!.push(await timeOps(variant, opsPerRound, round * opsPerRound));
    }
    const writes = writeCounts();
    const misses = (await cacheMisses(ctx.metrics.registry)) - cacheLookupsBefore;
    const perOp = samples.map(median);
    const floorUs = perOp[0]!;
    const rows = variants.map((variant, index) => [
      variant.name,
      fmt.us(perOp[index]!),
      fmt.int(1e6 / perOp[index]!),
      index === 0 ? "1.00× (floor)" : fmt.ratio(perOp[index]! / floorUs),
      `${fmt.us(Math.min(...samples[index]!))} … ${fmt.us(Math.max(...samples[index]!))}`,
    ]);
    const ratelimitRatio = perOp[2]! / floorUs;
    const result: CaseResult = {
      case: "in-process",
      data: {
        keys: keyCount,
        rounds,
        opsPerRound,
        floorUs,
        plainUs: perOp[1],
        ratelimitUs: perOp[2],
        permissionUs: perOp[3],
        ratios: { plain: perOp[1]! / floorUs, ratelimit: ratelimitRatio, permission: perOp[3]! / floorUs },
        cacheFillSeconds: warmSeconds,
        cacheMissesWhileMeasuring: misses,
        dbWritesWhileMeasuring: writes.requestPathWrites,
      },
      targets: [{ name: `one rate limit ≤ ${TARGET_RATIO}× the floor's µs/op`, actual: ratelimitRatio, met: ratelimitRatio <= TARGET_RATIO }],
      notes: [
        `median of ${rounds} interleaved rounds of ${fmt.int(opsPerRound)} sequential awaited verifications; cache filled with ${fmt.int(keyCount)} keys in ${warmSeconds.toFixed(1)} s`,
        `database writes while measuring: ${writes.requestPathWrites} on the request path, ${writes.usageFlushWrites} usage-flush statements; cache misses while measuring: ${misses}`,
      ],
    };
    if (sink < 0) console.log(sink);
    printCase(
      "case 1: in-process verify of a cached key",
      table(["variant", "µs/op", "ops/s", "× floor", "range over rounds"], rows),
      result,
    );
    return result;
  } finally {
    await closeServiceContext(ctx);
    await store.close();
  }
}

async function cacheMisses(registry: { getSingleMetricAsString(name: string): Promise<string> }): Promise<number> {
  const text = await registry.getSingleMetricAsString("keyward_verify_cache_lookups_total");
  const match = /result="miss"\}\s+(\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}
