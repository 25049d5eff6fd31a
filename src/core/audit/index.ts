// The audit chain's pure core: canonical JSON, entries and their hashes, signed checkpoints, verification.
export * from "./actions.js";
export * from "./canonical-json.js";
export * from "./chain-links.js";
export * from "./checkpoint.js";
export * from "./entry.js";
export * from "./verify-chain.js";
