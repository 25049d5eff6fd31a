// Permissions: names, wildcard grants and the query language.
export * from "./permission.js";
export * from "./query.js";
