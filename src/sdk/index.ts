// keyward/sdk: the typed management client, its errors and types, and the framework-neutral guard
// that the Express, Fastify and Hono middleware (keyward/sdk/express, …/fastify, …/hono) share.
export { createKeywardClient, unwrap, type CallOptions, type KeywardClient, type KeywardClientOptions } from "./client.js";
export { KeywardApiError, KeywardConnectionError } from "./errors.js";
export { isRetryable } from "./transport.js";
export type * from "./types.js";
export { createKeywardGuard, MAX_KEY_CHARS, type GuardDecision, type KeywardContext, type KeywardGuard, type KeywardLogger, type KeywardOptions, type ProblemBody } from "./guard.js";
export type { IncomingRequest, KeySourceOptions } from "./key-source.js";
