// Authentication and authorization of management calls.
export * from "./authenticate.js";
export * from "./root-permissions.js";
