// Lifecycle policy decisions: key lifetimes and rotation due dates.
export * from "./lifetime.js";
