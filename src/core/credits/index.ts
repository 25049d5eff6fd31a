// Credits math: refill schedules.
export * from "./refill.js";
