// Credits: leased from the store in blocks, spent from a pool in memory or in Redis.
export * from "./credit-ledger.js";
export * from "./credit-pool.js";
export * from "./fallback-credit-pool.js";
export * from "./redis-credit-pool.js";
