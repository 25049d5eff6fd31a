// Measures how long after a revoke call returns every other node refuses the key.
import type { Cluster } from "./cluster.js";

export interface RevocationTimings {
  /** Milliseconds from the revoke call's answer until the slowest other node answered REVOKED. */
  samples: number[];
}

/** Creates `count` keys, warms every node's cache with them, then revokes them one by one on node 0. */
export async function measureRevocations(cluster: Cluster, count: number): Promise<RevocationTimings> {
  const keys = [];
  for (let i = 0; i < count; i++) keys.push(await cluster.createKey({ name: `revoke ${i}` }));
  for (const key of keys) {
    for (const url of cluster.urls) {
      const { json } = await cluster.api(url, "POST", "/v1/keys/verify", { key: key.key });
      if (json.code !== "VALID") throw new Error(`warm-up verify answered ${json.code}`);
    }
  }
  const samples: number[] = [];
  for (const key of keys) {
    const revoked = await cluster.api(cluster.urls[0]!, "POST", `/v1/keys/${key.id}/revoke`, { reason: "measured" });
    if (revoked.status !== 200) throw new Error(`revoke answered ${revoked.status}`);
    const returned = performance.now();
    const waits = await Promise.all(
      cluster.urls.slice(1).map(async (url) => {
        for (;;) {
          const { json } = await cluster.api(url, "POST", "/v1/keys/verify", { key: key.key });
          if (json.code === "REVOKED") return performance.now() - returned;
          if (performance.now() - returned > 10_000) throw new Error(`${url} still answers ${json.code} 10 s after the revocation`);
        }
      }),
    );
    samples.push(Math.max(...waits));
  }
  return { samples };
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
