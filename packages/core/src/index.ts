/**
 * @minyi/core — the petition domain. Pure: no I/O, no wall clock.
 * Each concept is a module; this file is the curated public surface.
 * @packageDocumentation
 */
export * from "./shared/index.js"
