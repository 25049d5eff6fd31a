// Leak reports from GitHub's secret scanning partner program: its public keys and its signature.
export * from "./github-public-keys.js";
export * from "./github-signature.js";
