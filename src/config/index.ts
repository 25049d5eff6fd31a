// Configuration: schema, loading and validation.
export * from "./config-schema.js";
export * from "./load-config.js";
