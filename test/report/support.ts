// What the report tests share: the generated district, and a year or a few days of it driven
// through a fresh in-memory engine.
import type { Minyi, PetitionEvent } from "@minyi/core"
import { createMinyi, loadDirectory, Directory } from "@minyi/core"
import type { WorkloadOptions, WorkloadReport } from "@minyi/testkit"
import { generateDirectoryData, generateWorkload } from "@minyi/testkit"
import { Result } from "effect"

export const directory: Directory.Directory = Result.getOrThrow(loadDirectory(generateDirectoryData()))

/** Generates a workload on a fresh in-memory engine and returns every petition's history. */
export const generated = async (
  options: Omit<WorkloadOptions, "directory">
): Promise<{ readonly report: WorkloadReport; readonly histories: ReadonlyArray<ReadonlyArray<PetitionEvent>>; readonly minyi: Minyi }> => {
  const minyi = createMinyi({ directory, rulePack: "futian-10-30-24" })
  const report = await generateWorkload(minyi, { directory, ...options })
  const histories: Array<ReadonlyArray<PetitionEvent>> = []
  for (let i = 1; i <= report.petitions; i++) histories.push(await minyi.history(`p-${String(i).padStart(7, "0")}`))
  return { report, histories, minyi }
}
