import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import futian from "../../src/directory/sample/futian.json" with { type: "json" }
import type { DirectoryData } from "../../src/directory/index.js"
import { loadDirectory, sampleDirectory } from "../../src/directory/index.js"

const d = sampleDirectory()
// The tests break the sample in ways no type allows (wrong kinds, dangling ids, junk values), so
// the copy is deliberately untyped.
// oxlint-disable-next-line typescript/no-explicit-any
const clone = (): { -readonly [K in keyof DirectoryData]: any } => JSON.parse(JSON.stringify(futian))

const problems = (input: unknown) => {
  const r = loadDirectory(input)
  if (Result.isSuccess(r)) throw new Error("expected InvalidInput")
  expect(r.failure._tag).toBe("InvalidInput")
  expect(r.failure.what).toBe("directory")
  return r.failure.problems
}

describe("the sample Futian directory", () => {
  it("loads and has the ten streets, each with communities", () => {
    const streets = d.data.jurisdictions.filter((j) => j.level === "street")
    expect(streets.map((s) => s.name)).toEqual(
      ["园岭", "南园", "福田", "沙头", "梅林", "华富", "香蜜湖", "莲花", "华强北", "福保"].map((n) => `${n}街道`)
    )
    for (const s of streets) {
      expect(d.data.jurisdictions.filter((j) => j.parent === s.id).length).toBeGreaterThanOrEqual(3)
    }
  })
  it("has a dispatch centre and about fifteen departments, each unit with a known leader", () => {
    expect(d.dispatchCentre.kind).toBe("dispatch_centre")
    // As docs/domain.md describes it.
    expect(d.data.units.filter((u) => u.kind === "department")).toHaveLength(18)
    expect(d.data.units.filter((u) => u.kind === "third_party")).toHaveLength(1)
    for (const u of d.data.units) expect(d.person(u.leader)?.unit).toBe(u.id)
  })
  it("binds the three leader channels to people", () => {
    const bound = (id: string) => {
      const c = d.channel(id)
      return c?.kind === "leader_channel" ? d.person(c.person)?.title : undefined
    }
    expect(bound("channel.district-secretary-online")).toBe("区委书记")
    expect(bound("channel.district-head-mailbox")).toBe("区长")
    expect(bound("channel.street-secretary-online.yuanling")).toBe("街道党工委书记")
    expect(d.channel("channel.field-stall.2026-03")).toMatchObject({ kind: "field_stall", eventId: "fair-2026-03" })
  })
  it("walks the jurisdiction path from grid to district", () => {
    expect(d.jurisdictionPath("grid.yuanling.hongli.01").map((j) => j.level)).toEqual(["district", "street", "community", "grid"])
    expect(d.isJurisdictionWithin("grid.yuanling.hongli.01", "street.yuanling")).toBe(true)
    expect(d.isJurisdictionWithin("grid.yuanling.hongli.01", "street.nanyuan")).toBe(false)
    expect(d.jurisdictionPath("nowhere")).toEqual([])
  })
  it("finds linked leaders, walking up when a node names none", () => {
    expect(d.linkedLeaders("community.yuanling.hongli").map((p) => p.id)).toEqual(["person.secretary.yuanling"])
    expect(d.linkedLeaders("community.yuanling.baihua").map((p) => p.id)).toEqual(["person.deputy-head.1"])
    expect(d.linkedLeaders("district.futian").map((p) => p.id)).toEqual(["person.district-secretary", "person.district-head"])
  })
  it("finds people by role, optionally those answering for a place", () => {
    expect(d.peopleWithRole("street_secretary")).toHaveLength(10)
    expect(d.peopleWithRole("street_secretary", "grid.meilin.meilin-yicun.01").map((p) => p.id)).toEqual(["person.secretary.meilin"])
    expect(d.peopleWithRole("grid_member", "community.yuanling.hongli").map((p) => p.id)).toEqual([])
    expect(d.peopleWithRole("grid_member", "grid.yuanling.hongli.02").map((p) => p.id)).toEqual(["person.grid.yuanling.hongli.02"])
    expect(d.peopleWithRole("district_head", "grid.yuanling.hongli.02").map((p) => p.id)).toEqual(["person.district-head"])
  })
  it("navigates the category tree", () => {
    expect(d.categoryPath("city-management.sanitation.refuse-odour").map((c) => c.name)).toEqual(["城市管理", "市容环卫", "垃圾站异味"])
    expect(d.isWithin("ecology.noise.construction", "ecology")).toBe(true)
    expect(d.isWithin("ecology.noise.construction", "housing")).toBe(false)
    expect(d.category("labour.unpaid-wages")?.nameEn).toBe("Unpaid Wages")
  })
})

describe("loadDirectory refuses bad directories with JSON paths", () => {
  it("missing fields and wrong types, all at once", () => {
    const bad = clone()
    delete bad.units[0].leader
    bad.people[1].roles = ["emperor"]
    bad.jurisdictions[2].level = 7
    bad.channels[0].kind = "pigeon"
    const paths = problems(bad).map((p) => p.path)
    expect(paths).toEqual(expect.arrayContaining(["/units/0/leader", "/people/1/roles/0", "/jurisdictions/2/level", "/channels/0/kind"]))
  })
  it("dangling references", () => {
    const bad = clone()
    bad.units[3].leader = "person.nobody"
    bad.jurisdictions[1].parent = "district.nowhere"
    bad.channels[6].person = "person.ghost"
    bad.categories.nodes[1].parent = "nope"
    const found = problems(bad)
    expect(found.map((p) => p.path)).toEqual(
      expect.arrayContaining(["/units/3/leader", "/jurisdictions/1/parent", "/channels/6/person", "/categories/nodes/1/parent"])
    )
    expect(found.find((p) => p.path === "/units/3/leader")?.message).toContain("person.nobody")
  })
  it("duplicate ids, naming where the first one is", () => {
    const bad = clone()
    bad.units.push({ ...bad.units[2] })
    const [p] = problems(bad)
    expect(p).toEqual({ path: `/units/${bad.units.length - 1}/id`, message: expect.stringContaining("/units/2") })
  })
  it("cycles in a tree", () => {
    const bad = clone()
    const i = bad.categories.nodes.findIndex((c: { id: string }) => c.id === "city-management")
    bad.categories.nodes[i].parent = "city-management.sanitation.refuse-odour"
    const found = problems(bad)
    expect(found).toHaveLength(1)
    expect(found[0]?.path).toBe(`/categories/nodes/${i}/parent`)
    expect(found[0]?.message).toContain("cycle")
  })
  it("a unit cycle through parents", () => {
    const bad = clone()
    const a = bad.units.findIndex((u: { id: string }) => u.id === "street-office.yuanling")
    bad.units[a].parent = "community-office.yuanling.hongli"
    expect(problems(bad).map((p) => p.message).join()).toContain("cycle")
  })
  it("a level out of place and a missing dispatch centre", () => {
    const bad = clone()
    const g = bad.jurisdictions.findIndex((j: { level: string }) => j.level === "grid")
    bad.jurisdictions[g].parent = "district.futian"
    bad.units = bad.units.map((u: { kind: string }) => (u.kind === "dispatch_centre" ? { ...u, kind: "department" } : u))
    const paths = problems(bad).map((p) => p.path)
    expect(paths).toEqual(expect.arrayContaining([`/jurisdictions/${g}/parent`, "/units"]))
  })
  it("exactly one district at the root", () => {
    const two = clone()
    two.jurisdictions.push({ id: "district.luohu", name: "罗湖区", nameEn: "Luohu District", level: "district", leaders: [] })
    expect(problems(two)).toEqual([
      { path: `/jurisdictions/${two.jurisdictions.length - 1}/level`, message: expect.stringContaining("exactly one jurisdiction of level \"district\"") }
    ])
    const none = clone()
    none.jurisdictions = none.jurisdictions.filter((j: { level: string }) => j.level === "grid")
    expect(problems(none).map((p) => p.path)).toContain("/jurisdictions")
  })
  it("a street office serving anything but a street, a community workstation anything but a community", () => {
    const bad = clone()
    const street = bad.units.findIndex((u: { id: string }) => u.id === "street-office.yuanling")
    const community = bad.units.findIndex((u: { kind: string }) => u.kind === "community")
    bad.units[street].jurisdiction = "community.yuanling.hongli"
    bad.units[community].jurisdiction = "street.yuanling"
    expect(problems(bad)).toEqual([
      { path: `/units/${street}/jurisdiction`, message: 'a street_office serves a street, but "community.yuanling.hongli" is a community' },
      { path: `/units/${community}/jurisdiction`, message: 'a community serves a community, but "street.yuanling" is a street' }
    ])
  })
  it("a unit led by someone who works elsewhere", () => {
    const bad = clone()
    const i = bad.units.findIndex((u: { id: string }) => u.id === "dept.ecology")
    bad.units[i].leader = "person.district-head"
    expect(problems(bad)).toEqual([{ path: `/units/${i}/leader`, message: expect.stringContaining('works in unit "') }])
  })
  it("never throws, whatever it is given", () =>
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.constant(null)), fc.nat(), (junk, i) => {
        expect(Result.isFailure(loadDirectory(junk))).toBe(true)
        const bad = clone()
        const keys = ["units", "people", "jurisdictions", "channels"] as const
        const key = keys[i % keys.length]!
        bad[key][i % bad[key].length] = junk
        expect(Result.isFailure(loadDirectory(bad))).toBe(true)
      }),
      { numRuns: 300 }
    ))
})
