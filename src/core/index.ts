// The pure core: key format, ids, permissions, restrictions and the verification decision. No I/O.
export * from "./audit/index.js";
export * from "./base62.js";
export * from "./crc32.js";
export * from "./ids.js";
export * from "./credits/index.js";
export * from "./http-answer.js";
export * from "./identity-headers.js";
export * from "./key-format.js";
export * from "./key-source.js";
export * from "./limit-plan.js";
export * from "./limits/index.js";
export * from "./permissions/index.js";
export * from "./random.js";
export * from "./records.js";
export * from "./restrictions.js";
export * from "./verify-decision.js";
export * from "./webhooks/index.js";
