/**
 * @minyi/core — the petition domain. Pure: no I/O, no wall clock.
 * Each concept is a module; this file is the curated public surface.
 * @packageDocumentation
 */
export * from "./shared/index.js"
export * from "./messages/index.js"
export * from "./directory/index.js"
export * from "./petition/index.js"
export * from "./calendar/index.js"
export * from "./clocks/index.js"
export * from "./rules/index.js"
export * from "./ports/index.js"
export * from "./engine/index.js"
export * from "./presets/index.js"
export * from "./reports/index.js"
