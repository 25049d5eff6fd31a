// Leak reports: which tokens are worth a lookup, and what a report does to the key it names.
export * from "./leak-decision.js";
export * from "./leak-token.js";
