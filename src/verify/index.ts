// Verification: the pipeline, its cache and the write-behind usage recorder.
export * from "./imported-key-gate.js";
export * from "./usage-recorder.js";
export * from "./verifier.js";
export * from "./verify-cache.js";
