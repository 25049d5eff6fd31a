// Limit math and its HTTP rendering: the sliding window, all-or-nothing checks, rate-limit headers.
export * from "./check-buckets.js";
export * from "./rate-limit-headers.js";
export * from "./sliding-window.js";
