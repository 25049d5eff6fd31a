// The verify-cost case of `npm run bench:limits`: one in-process verification of a cached key with no
// rate limit, and with one auto-applied limit, in the same run, so the limit's cost reads as a ratio.
import { createServiceContext, bootstrapInstall, closeServiceContext, createApi, createKey } from "../src/services/index.js";
import { createStore } from "../src/storage/index.js";
import type { BenchCase } from "./limits-harness.js";

export interface VerifyCases {
  cases: BenchCase[];
  close(): Promise<void>;
}

export async function verifyCases(): Promise<VerifyCases> {
  const store = await createStore({ url: ":memory:" });
  const ctx = createServiceContext({ store, logger: { warn() {} } });
  const root = await bootstrapInstall(ctx);
  const workspaceId = root!.key.workspaceId;
  const actor = { workspaceId, rootKeyId: root!.key.id, permissions: { has: () => true, names: ["*"] } };
  const api = await createApi(ctx, actor, { name: "bench", prefix: "bench" });
  const plain = await createKey(ctx, actor, { apiId: api.id });
  const limited = await createKey(ctx, actor, { apiId: api.id, ratelimits: [{ name: "burst", limit: 1_000_000_000, durationMs: 60_000, autoApply: true }] });
  const request = { workspaceId, apiId: api.id };
  // Warm the cache: the cases measure answers from memory, as for every known key.
  await ctx.verifier.verify(plain.secret, request);
  await ctx.verifier.verify(limited.secret, request);
  return {
    cases: [
      { name: "verify, cached key, no limit", run: () => ctx.verifier.verify(plain.secret, request) },
      { name: "verify, cached key, 1 auto-applied limit", run: () => ctx.verifier.verify(limited.secret, request) },
    ],
    close: async () => {
      await closeServiceContext(ctx);
      await store.close();
    },
  };
}
