// Errors: the catalogue of stable codes and the one error type.
export * from "./catalogue.js";
export * from "./keyward-error.js";
