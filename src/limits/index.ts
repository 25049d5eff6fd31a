// Rate limiters: the port, the memory and Redis adapters, the Redis fallback, and the factory.
export * from "./create-limiter.js";
export * from "./fallback-limiter.js";
export * from "./memory/memory-limiter.js";
export type * from "./port.js";
export * from "./redis/redis-limiter.js";
export { SLIDING_WINDOW_LUA } from "./redis/sliding-window-lua.js";
