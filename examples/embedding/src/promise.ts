import { createMinyi, sampleDirectory } from "@minyi/core"
import * as SqliteStore from "@minyi/store-sqlite"

export const promiseExample = async (dbPath: string) => {
  const minyi = createMinyi({
    directory: sampleDirectory(), // or your directory JSON: validated, every problem named by JSON path
    rulePack: "futian-10-30-24", // or your pack JSON, a loaded pack, or a registry of versions
    store: SqliteStore.layer({ path: dbPath }) // omit for in-memory
  })
  try {
    const submitted = await minyi.handle({
      _tag: "Submit",
      petitionId: "FT-2026-0001",
      at: "2026-03-02T09:00:00+08:00",
      actor: { kind: "petitioner" },
      petitioner: { anonymous: false, name: "李秀英", phone: "13912345678" },
      channel: "channel.district-secretary-online",
      category: "city-management.sanitation.refuse-odour",
      jurisdiction: "community.yuanling.hongli",
      title: "垃圾站异味",
      content: "小区旁垃圾站异味严重",
      channelMessageId: "wx-88001" // a retry with the same id returns the same petition
    })
    const state = await minyi.state(submitted.petitionId) // routed by rule on receipt
    const tick = await minyi.tick(Date.parse("2026-03-02T09:11:00+08:00")) // no feedback in 10 minutes
    return { lead: state.lead, fired: tick.actions.map((a) => a.rule) }
  } finally {
    // Failures reject with real Error instances that carry a `_tag` and a readable message
    // (InvalidInput, NotAuthorised, PetitionNotFound, …), so they propagate to the caller as they are.
    await minyi.dispose()
  }
}
