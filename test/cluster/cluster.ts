// Several Keyward processes on one database (PostgreSQL when KEYWARD_TEST_POSTGRES_URL is set, else one
// SQLite file) and, optionally, one Redis — the way a cluster runs them.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import { ensureBuilt, freePort, killAll, makeTempDir, spawnKeyward, ROOT_KEY, type KeywardProcess } from "../e2e/support/keyward-process.js";
import { startRedisServer, type RedisServer } from "../limits/redis-server.js";

export interface Cluster {
  nodes: KeywardProcess[];
  urls: string[];
  rootKey: string;
  apiId: string;
  redis: RedisServer | null;
  api(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  createKey(body: Record<string, unknown>): Promise<any>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  nodes?: number;
  /** Default true. */
  redis?: boolean;
  /** Use PostgreSQL (a fresh database) instead of SQLite; needs KEYWARD_TEST_POSTGRES_URL. */
  postgresUrl?: string;
  env?: Record<string, string>;
}

async function freshDatabase(postgresUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `keyward_cluster_${randomBytes(4).toString("hex")}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await run(`create database ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  await ensureBuilt();
  const temp = makeTempDir("cluster");
  const redis = options.redis === false ? null : await startRedisServer();
  const database = options.postgresUrl ? await freshDatabase(options.postgresUrl) : null;
  const nodes: KeywardProcess[] = [];
  const urls: string[] = [];
  let rootKey = "";

  const api = async (url: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${rootKey}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, json: (await response.json()) as any };
  };
  const env = async () => ({
    KEYWARD_PORT: String(await freePort()),
    KEYWARD_DATABASE_URL: database?.url ?? join(temp.dir, "keyward.db"),
    ...(redis ? { KEYWARD_REDIS_URL: redis.url } : {}),
    KEYWARD_LOG_LEVEL: "info",
    ...options.env,
  });
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    killAll();
    await redis?.stop();
    await database?.drop();
    temp.remove();
  };
  try {
    // The first node bootstraps the install; the others join it.
    for (let i = 0; i < (options.nodes ?? 3); i++) {
      nodes.push(spawnKeyward(await env(), { cwd: temp.dir }));
      urls.push(await nodes[i]!.listening());
      if (i === 0) rootKey = nodes[0]!.stdout().match(ROOT_KEY)![0];
    }
    const apiId = (await api(urls[0]!, "POST", "/v1/apis", { name: "cluster", prefix: "clu" })).json.id as string;
    const createKey = async (body: Record<string, unknown>) => (await api(urls[0]!, "POST", "/v1/keys", { apiId, ...body })).json;
    return { nodes, urls, rootKey, apiId, redis, api, createKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
