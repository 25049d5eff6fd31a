// Where the bench keeps generated data (datasets, wrk scripts, profiles): a gitignored dir under bench/.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(BENCH_DIR);
export const CACHE_DIR = join(BENCH_DIR, ".cache");
export const PEERS_DIR = join(BENCH_DIR, "peers");
