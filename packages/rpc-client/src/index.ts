export * from "./Client.js"
export * from "./Promise.js"
