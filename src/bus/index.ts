// The change bus: cache invalidation across nodes.
export * from "./create-bus.js";
export * from "./local-bus.js";
export * from "./port.js";
export * from "./postgres-bus.js";
export * from "./redis-bus.js";
