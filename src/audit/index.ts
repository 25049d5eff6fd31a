// The audit log around the pure chain core: public views of changed objects, verification of a stored
// chain, the signing key file, and the checkpoint writer.
export * from "./audit-views.js";
export * from "./checkpoint-writer.js";
export * from "./signing-key.js";
export * from "./verify-stored-chain.js";
