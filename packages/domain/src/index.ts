export * from "./api.js"
export * from "./cluster.js"
export * from "./errors.js"
export * from "./system.js"
