/**
 * `@minyi/testkit/generator` — a realistic district and its petitions, drawn from a seed: the
 * directory, and a workload run through an engine (what `minyi generate` writes).
 * @module @minyi/testkit/generator
 */
export { generateDirectoryData } from "./directory.js"
export type { GeneratedDirectoryOptions } from "./directory.js"
export { makeRandom } from "./random.js"
export type { Random } from "./random.js"
export { generateWorkload, workloadProblem } from "./workload.js"
export type { WorkloadEngine, WorkloadOptions, WorkloadReport } from "./workload.js"
