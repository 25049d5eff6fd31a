export * from "./events.js";
export * from "./retry-schedule.js";
export * from "./signing-secret.js";
export * from "./target-address.js";
export * from "./sealed-secret.js";
