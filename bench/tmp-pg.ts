import pg from "pg";
const url = process.env.KEYWARD_TEST_POSTGRES_URL!;
const pool = new pg.Pool({ connectionString: url, options: "-c search_path=keyward_bench_3000" });
const { rows: hs } = await pool.query("select hash from keys limit 1000");
const hashes = hs.map((r: any) => r.hash);
async function time(name: string, f: (h: string) => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await f(hashes[i]!);
  const t: number[] = [];
  for (let i = 200; i < 1000; i++) { const s = performance.now(); await f(hashes[i]!); t.push(performance.now() - s); }
  t.sort((a, b) => a - b);
  console.log(name, "p50", t[400]!.toFixed(3), "p99", t[792]!.toFixed(3));
}
await time("select 1", () => pool.query("select 1"));
await time("by hash unnamed", (h) => pool.query("select id from keys where hash = $1", [h]));
await time("by hash named", (h) => pool.query({ name: "a", text: "select * from keys where hash = $1", values: [h] }));
const client = await pool.connect();
await time("client named", (h) => client.query({ name: "b", text: "select * from keys where hash = $1", values: [h] }));
client.release();
const { createStore } = await import("../src/storage/index.js");
const store = await createStore({ url, schema: "keyward_bench_3000" });
await time("store.findForVerification", (h) => store.keys.findForVerification(h));
await store.close(); await pool.end();
