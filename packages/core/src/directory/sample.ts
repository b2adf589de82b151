import { Result } from "effect"
import type { Directory } from "./directory.js"
import { loadDirectory } from "./directory.js"
import futian from "./sample/futian.json" with { type: "json" }

let cached: Directory | undefined

/**
 * The sample directory of a Futian-like district: ten streets with communities and grids, a
 * dispatch centre, eighteen departments, district and street leaders, the leader channels and a
 * small category tree. For demos and tests; real deployments load their own with `loadDirectory`.
 */
export const sampleDirectory = (): Directory => {
  if (cached === undefined) {
    // The file ships with the package and is checked by the tests, so a failure here is a packaging defect.
    cached = Result.getOrThrowWith(loadDirectory(futian), (e) => e)
  }
  return cached
}
