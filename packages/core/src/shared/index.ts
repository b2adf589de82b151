export * from "./instant.js"
export * from "./validation.js"
