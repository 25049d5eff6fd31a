// Metrics: the Prometheus registry and Keyward's counters.
export * from "./metrics.js";
export * from "./tally.js";
