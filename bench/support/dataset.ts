// Bench datasets: a Keyward database with N customer keys, made fast (bulk inserts in transactions
// into the schema the migrations create) and cached, so reruns reuse it. Key secrets are derived from
// the key's index, so any process can verify key i without a list of secrets being stored anywhere.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { compilePermissionSet, createId, generateKey, type RandomBytes } from "../../src/core/index.js";
import { bootstrapInstall, closeServiceContext, createApi, createServiceContext } from "../../src/services/index.js";
import { createStore } from "../../src/storage/index.js";
import { searchPathOption } from "../../src/storage/postgres/postgres-schema.js";
import { CACHE_DIR } from "./paths.js";

/** Bump when the generated data changes shape: cached datasets of another version are rebuilt. */
const DATASET_VERSION = 1;
const SEED = "keyward-bench";
export const BENCH_PREFIX = "bench";

/** Every third key: no limit; one auto-applied rate limit; permissions for a permission query. */
export type Flavour = "plain" | "ratelimit" | "permissions";
export const FLAVOURS: readonly Flavour[] = ["plain", "ratelimit", "permissions"];
export const flavourOf = (index: number): Flavour => FLAVOURS[index % 3]!;
/** High enough that no bench run is ever refused: the limiter still does all its work. */
export const BENCH_RATELIMIT = { name: "burst", limit: 1_000_000_000, durationMs: 60_000, autoApply: true };
export const BENCH_PERMISSIONS = ["docs:read", "docs:write", "billing:read"];
export const BENCH_QUERY = "docs:read AND (docs:write OR admin:*)";

export interface Dataset {
  /** SQLite file path or PostgreSQL URL. */
  databaseUrl: string;
  /** PostgreSQL only: the schema the dataset lives in. */
  schema?: string;
  keys: number;
  rootKey: string;
  workspaceId: string;
  apiId: string;
  /** Seconds spent building it now; 0 when a cached one was reused. */
  builtSeconds: number;
}

/** A deterministic byte stream: SHA-256 in counter mode over a label. */
export function seededRandom(label: string): RandomBytes {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (size) => {
    while (pool.length < size) pool = Buffer.concat([pool, createHash("sha256").update(`${SEED}:${label}:${counter++}`).digest()]);
    const out = pool.subarray(0, size);
    pool = pool.subarray(size);
    return new Uint8Array(out);
  };
}

/** The secret of bench key `index` (the same in every process). */
export function benchKey(index: number): string {
  return generateKey(BENCH_PREFIX, "live", seededRandom(`key:${index}`)).key;
}

interface KeyRow {
  id: string;
  hash: string;
  start: string;
  permissions: string;
  ratelimits: string;
  createdAt: Date;
}

/** Ids are time-ordered: one millisecond apart, so the primary key index is filled in order. */
function keyRow(index: number, idRandom: RandomBytes, base: Date): KeyRow {
  const createdAt = new Date(base.getTime() + index);
  const generated = generateKey(BENCH_PREFIX, "live", seededRandom(`key:${index}`));
  const flavour = flavourOf(index);
  return {
    id: createId("key", createdAt, idRandom),
    hash: generated.hash,
    start: generated.start,
    permissions: JSON.stringify(flavour === "permissions" ? BENCH_PERMISSIONS : []),
    ratelimits: JSON.stringify(flavour === "ratelimit" ? [BENCH_RATELIMIT] : []),
    createdAt,
  };
}

interface Meta {
  version: number;
  keys: number;
  rootKey: string;
  workspaceId: string;
  apiId: string;
}

function readMeta(path: string, keys: number): Meta | null {
  if (!existsSync(path)) return null;
  try {
    const meta = JSON.parse(readFileSync(path, "utf8")) as Meta;
    return meta.version === DATASET_VERSION && meta.keys === keys ? meta : null;
  } catch {
    return null;
  }
}

/** The workspace, its root key and one customer API, made through the services like a real install. */
async function bootstrap(databaseUrl: string, schema?: string): Promise<Omit<Meta, "version" | "keys">> {
  const store = await createStore({ url: databaseUrl, ...(schema ? { schema } : {}) });
  const ctx = createServiceContext({ store, logger: { warn() {} } });
  try {
    const issued = await bootstrapInstall(ctx);
    if (!issued) throw new Error(`${schema ?? databaseUrl} is not empty: cannot seed a bench dataset into it`);
    const actor = { workspaceId: issued.key.workspaceId, rootKeyId: issued.key.id, permissions: compilePermissionSet(["*"]) };
    const api = await createApi(ctx, actor, { name: "bench", prefix: BENCH_PREFIX });
    return { rootKey: issued.secret, workspaceId: issued.key.workspaceId, apiId: api.id };
  } finally {
    await closeServiceContext(ctx);
    await store.close();
  }
}

const progress = (log: (line: string) => void, done: number, total: number, started: number) => {
  if (total >= 100_000 && done % 100_000 === 0) log(`  … ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} keys (${((performance.now() - started) / 1000).toFixed(1)} s)`);
};

/** A SQLite dataset of `keys` customer keys under bench/.cache/, built on first use. */
export async function sqliteDataset(keys: number, log: (line: string) => void = console.log): Promise<Dataset> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = join(CACHE_DIR, `keys-${keys}.db`);
  const metaFile = `${file}.json`;
  const cached = readMeta(metaFile, keys);
  if (cached && existsSync(file)) return { databaseUrl: file, keys, ...pick(cached), builtSeconds: 0 };

  const started = performance.now();
  log(`building a SQLite dataset of ${keys.toLocaleString("en-US")} keys in ${file} (cached for the next runs)`);
  for (const suffix of ["", "-wal", "-shm", ".json"]) rmSync(file + suffix, { force: true });
  const base = await bootstrap(file);
  const db = new BetterSqlite3(file);
  // A throw-away load: no journal, a big page cache, and the secondary indexes built once at the end
  // (from their own definitions, so the schema stays exactly what the migrations made).
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -400000");
  const indexes = db.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'keys' and sql is not null").all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`drop index "${index.name}"`);
  const insert = db.prepare(
    `insert into keys (id, workspace_id, api_id, hash, start, environment, name, identity_id, permissions, enabled, expires_at,
       restrictions, meta, created_at, updated_at, last_used_at, verification_count, revoked_at, revoked_reason, ratelimits)
     values (?, ?, ?, ?, ?, 'live', null, null, ?, 1, null, '{}', '{}', ?, ?, null, 0, null, null, ?)`,
  );
  const idRandom = seededRandom("ids");
  const createdAt = new Date(Date.UTC(2025, 0, 1));
  const batch = db.transaction((from: number, to: number) => {
    for (let index = from; index < to; index++) {
      const row = keyRow(index, idRandom, createdAt);
      const at = row.createdAt.getTime();
      insert.run(row.id, base.workspaceId, base.apiId, row.hash, row.start, row.permissions, at, at, row.ratelimits);
    }
  });
  for (let from = 0; from < keys; from += 10_000) {
    batch(from, Math.min(keys, from + 10_000));
    progress(log, Math.min(keys, from + 10_000), keys, started);
  }
  for (const index of indexes) db.exec(index.sql);
  db.pragma("journal_mode = WAL");
  db.close();
  const meta: Meta = { version: DATASET_VERSION, keys, ...base };
  // Bench data only (gitignored, never a real install): the root key is kept so reruns can authenticate.
  writeFileSync(metaFile, JSON.stringify(meta));
  const builtSeconds = (performance.now() - started) / 1000;
  log(`  built in ${builtSeconds.toFixed(1)} s`);
  return { databaseUrl: file, keys, ...base, builtSeconds };
}

/** The same dataset in PostgreSQL, in its own schema (`keyward_bench_<keys>`), rebuilt when incomplete. */
export async function postgresDataset(url: string, keys: number, log: (line: string) => void = console.log): Promise<Dataset> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const schema = `keyward_bench_${keys}`;
  const metaFile = join(CACHE_DIR, `postgres-${createHash("sha256").update(url).digest("hex").slice(0, 12)}-${schema}.json`);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    const cached = readMeta(metaFile, keys);
    if (cached) {
      const found = await pool.query<{ n: string }>(`select count(*) as n from ${schema}.keys where api_id = $1`, [cached.apiId]).catch(() => null);
      if (found && Number(found.rows[0]?.n) === keys) return { databaseUrl: url, schema, keys, ...pick(cached), builtSeconds: 0 };
    }
    const started = performance.now();
    log(`building a PostgreSQL dataset of ${keys.toLocaleString("en-US")} keys in schema ${schema} (kept for the next runs)`);
    await pool.query(`drop schema if exists ${schema} cascade`);
    const base = await bootstrap(url, schema);
    const idRandom = seededRandom("ids");
    const createdAt = new Date(Date.UTC(2025, 0, 1));
    const client = await pool.connect();
    try {
      await client.query(searchPathSql(schema));
      const perStatement = 2_000;
      for (let from = 0; from < keys; from += 20_000) {
        await client.query("begin");
        for (let chunk = from; chunk < Math.min(keys, from + 20_000); chunk += perStatement) {
          const rows: KeyRow[] = [];
          for (let index = chunk; index < Math.min(keys, chunk + perStatement); index++) rows.push(keyRow(index, idRandom, createdAt));
          await client.query(
            `insert into keys (id, workspace_id, api_id, hash, start, environment, permissions, enabled, restrictions, meta, created_at, updated_at, verification_count, ratelimits)
             select id, $1, $2, hash, start, 'live', permissions::jsonb, true, '{}'::jsonb, '{}'::jsonb, created_at, created_at, 0, ratelimits::jsonb
             from unnest($3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) as t(created_at, id, hash, start, permissions, ratelimits)`,
            [base.workspaceId, base.apiId, rows.map((r) => r.createdAt), rows.map((r) => r.id), rows.map((r) => r.hash), rows.map((r) => r.start), rows.map((r) => r.permissions), rows.map((r) => r.ratelimits)],
          );
        }
        await client.query("commit");
        progress(log, Math.min(keys, from + 20_000), keys, started);
      }
      await client.query("analyze keys");
    } finally {
      client.release();
    }
    const meta: Meta = { version: DATASET_VERSION, keys, ...base };
    writeFileSync(metaFile, JSON.stringify(meta));
    const builtSeconds = (performance.now() - started) / 1000;
    log(`  built in ${builtSeconds.toFixed(1)} s`);
    return { databaseUrl: url, schema, keys, ...base, builtSeconds };
  } finally {
    await pool.end();
  }
}

function searchPathSql(schema: string): string {
  // Validated by searchPathOption (lower-case identifier only), so it is safe to splice in.
  return `set search_path to ${searchPathOption(schema).slice("-c search_path=".length)}`;
}

function pick(meta: Meta) {
  return { rootKey: meta.rootKey, workspaceId: meta.workspaceId, apiId: meta.apiId };
}
