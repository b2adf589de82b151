/**
 * A Futian-like district at full size, grown deterministically from the sample directory so every
 * id the shipped rule packs name stays valid: 10 streets, 90 communities, 33 channels, 89 units and
 * a category tree of about 1,600 nodes (Futian's catalogue has 1,649 kinds).
 */

import { sampleDirectory, Directory } from "@minyi/core"
import { makeRandom } from "./random.js"

export interface GeneratedDirectoryOptions {
  readonly seed?: number
}

/** Departments Futian has beyond the sample's: [id suffix, 中文名, English name]. */
const moreDepartments: ReadonlyArray<readonly [string, string, string]> = [
  ["development-reform", "区发展和改革局", "Development and Reform Bureau"],
  ["finance", "区财政局", "Finance Bureau"],
  ["audit", "区审计局", "Audit Bureau"],
  ["statistics", "区统计局", "Statistics Bureau"],
  ["justice", "区司法局", "Justice Bureau"],
  ["ethnic-religious", "区民族宗教事务局", "Ethnic and Religious Affairs Bureau"],
  ["veterans", "区退役军人事务局", "Veterans Affairs Bureau"],
  ["science-technology", "区科技创新局", "Science and Technology Innovation Bureau"],
  ["industry-it", "区工业和信息化局", "Industry and Information Technology Bureau"],
  ["commerce", "区商务局", "Commerce Bureau"],
  ["medical-insurance", "区医疗保障局", "Medical Insurance Bureau"],
  ["state-assets", "区国有资产监督管理局", "State-owned Assets Bureau"],
  ["data", "区政务服务数据管理局", "Government Services and Data Bureau"],
  ["urban-renewal", "区城市更新和土地整备局", "Urban Renewal and Land Bureau"],
  ["public-works", "区建筑工务署", "Public Works Bureau"],
  ["administration", "区机关事务管理局", "Government Offices Administration"],
  ["credit", "区信用办", "Credit Office"],
  ["disabled", "区残疾人联合会", "Disabled Persons' Federation"],
  ["women", "区妇女联合会", "Women's Federation"],
  ["youth", "共青团福田区委", "Communist Youth League District Committee"],
  ["trade-union", "区总工会", "Federation of Trade Unions"],
  ["red-cross", "区红十字会", "Red Cross Society"],
  ["meteorology", "区气象局", "Meteorological Bureau"],
  ["fire-rescue", "区消防救援大队", "Fire and Rescue Brigade"],
  ["traffic-police", "区交警大队", "Traffic Police Brigade"],
  ["taxation", "区税务局", "Taxation Bureau"]
]
const moreThirdParties: ReadonlyArray<readonly [string, string, string]> = [
  ["water-group", "水务集团福田分公司", "Water Group, Futian Branch"],
  ["power-supply", "供电局福田供电分局", "Power Supply Bureau, Futian"],
  ["gas-group", "燃气集团福田分公司", "Gas Group, Futian Branch"]
]
/** Channels Futian has beyond the sample's: [id, 中文名, English name, kind]. */
const moreChannels: ReadonlyArray<readonly [string, string, string, "hotline" | "web" | "wechat_qr" | "letter" | "walk_in"]> = [
  ["channel.12345-wechat", "12345微信公众号", "12345 WeChat Account", "wechat_qr"],
  ["channel.12345-app", "i深圳App", "iShenzhen App", "web"],
  ["channel.people-daily-board", "人民网领导留言板", "People's Daily Leaders' Message Board", "web"],
  ["channel.email", "电子邮件", "E-mail", "web"],
  ["channel.12315", "12315市场监管热线", "12315 Market Supervision Hotline", "hotline"],
  ["channel.12369", "12369环保热线", "12369 Environment Hotline", "hotline"],
  ["channel.12333", "12333人社热线", "12333 Human Resources Hotline", "hotline"],
  ["channel.110-linkage", "110非警务警情联动", "110 Non-Police Linkage", "hotline"],
  ["channel.media", "媒体曝光", "Media Reports", "web"],
  ["channel.npc-cppcc", "人大建议政协提案转办", "NPC and CPPCC Referrals", "letter"],
  ["channel.community-station", "社区党群服务中心", "Community Service Station", "walk_in"],
  ["channel.street-hall", "街道便民服务大厅", "Street Service Hall", "walk_in"],
  ["channel.mini-program", "民意速办小程序", "Minyi Mini Program", "wechat_qr"]
]
/** Community names to grow each street to nine; pinyin ids, Chinese names. */
const communityNames: ReadonlyArray<readonly [string, string]> = [
  ["lianhuashan", "莲花山"], ["xinzhou-nan", "新洲南"], ["jingtian", "景田"], ["xiangmei", "香梅"], ["zhuzilin", "竹子林"],
  ["chegongmiao", "车公庙"], ["tianan", "天安"], ["shazui", "沙嘴"], ["shawei", "沙尾"], ["xiasha", "下沙"],
  ["shangbu", "上步"], ["huanan", "华南"], ["yuanling-xi", "园岭西"], ["bagua", "八卦岭"], ["xinhu", "新湖"],
  ["meilin-ercun", "梅林二村"], ["zhiyuan", "致远"], ["kanglin", "康林"], ["huaxin", "华新"], ["jinglong", "景龙"],
  ["xiangmihu-xi", "香蜜湖西"], ["donghai", "东海"], ["futian-nan", "福田南"], ["gangxia-bei", "岗厦北"], ["huangting", "皇岗"],
  ["shuiwei-xi", "水围西"], ["fuqiang", "福强"], ["futian-bao", "福保"], ["yitian-nan", "益田南"], ["mingyue-wan", "明月湾"],
  ["huafu-xi", "华富西"], ["lianhua-bei", "莲花北"], ["caitian-nan", "彩田南"], ["meiling-xi", "梅岭西"], ["jinghua-dong", "景华东"],
  ["huaqiang-dong", "华强东"], ["zhenzhong", "振中"], ["huafa", "华发"], ["tongxin", "通新岭"], ["yannan", "燕南"],
  ["nanyuan-xi", "南园西"], ["binjiang-dong", "滨江东"], ["chiwei-nan", "赤尾南"], ["huanggang-kou", "皇岗口岸"], ["fuzhong", "福中"],
  ["tianmian-xi", "田面西"], ["huangmugang-nan", "皇木岗南"], ["xintian-bei", "新田北"], ["shangmeilin-dong", "上梅林东"], ["meifeng-bei", "梅丰北"],
  ["hongli-xi", "红荔西"], ["baihua-dong", "百花东"], ["shanglin-nan", "上林南"], ["xiangmi-bei", "香蜜北"], ["qiaoxiang-dong", "侨香东"],
  ["zhulin-xi", "竹林西"], ["huahang-nan", "华航南"], ["huaqiangnan-xi", "华强南西"], ["licun-bei", "荔村北"], ["shatou-dong", "沙头东"]
]
/** What petitions are about, two levels below each sample leaf (names joined onto the leaf's). */
const aspects: ReadonlyArray<readonly [string, string, string]> = [
  ["residential", "住宅区", "residential"], ["commercial", "商业区", "commercial"], ["school", "学校周边", "near schools"],
  ["hospital", "医院周边", "near hospitals"], ["road", "道路沿线", "along roads"], ["park", "公园", "parks"],
  ["market", "农贸市场", "wet markets"], ["site", "工地", "construction sites"], ["village", "城中村", "urban villages"]
]
const details: ReadonlyArray<readonly [string, string, string]> = [
  ["night", "夜间", "at night"], ["repeated", "反复发生", "recurring"], ["new", "新发", "new"], ["serious", "严重", "serious"],
  ["elderly", "涉老年人", "affecting the elderly"], ["children", "涉未成年人", "affecting children"], ["enterprise", "涉企业", "involving firms"],
  ["safety", "有安全隐患", "a safety hazard"], ["weekend", "节假日", "on holidays"], ["other", "其他", "other"]
]

const leaderPerson = (unit: string, name: string, nameEn: string, title: string, titleEn: string): Directory.Person => ({
  id: `person.head.${unit.replace(/^[a-z]+\./, "")}`,
  name,
  nameEn,
  title,
  titleEn,
  unit,
  roles: ["department_head"]
})

const surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"]
const given = ["建华", "志强", "秀英", "丽娟", "海涛", "晓明", "文静", "国庆", "春梅", "伟", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明"]

/** The generated district's directory, as JSON-shaped data for `loadDirectory`. */
export const generateDirectoryData = (options: GeneratedDirectoryOptions = {}): Directory.DirectoryData => {
  const random = makeRandom(options.seed ?? 20_221)
  const base = sampleDirectory().data
  const official = (): readonly [string, string] => {
    const s = random.pick(surnames)
    const g = random.pick(given)
    return [`${s}${g}`, `${s} ${g}`]
  }

  const units: Array<Directory.Unit> = [...base.units]
  const people: Array<Directory.Person> = [...base.people]
  for (const [suffix, zh, en] of moreDepartments) {
    const id = `dept.${suffix}`
    const [name, nameEn] = official()
    const head = leaderPerson(id, name, `Director ${nameEn}`, `${zh.replace(/^区/, "")}负责人`, `Head, ${en}`)
    units.push({ id, name: zh, nameEn: en, kind: "department", leader: head.id, jurisdiction: "district.futian" })
    people.push(head, { ...head, id: `person.handler.${suffix}`, title: "承办人", titleEn: "Case handler", roles: ["case_handler"] })
  }
  for (const [suffix, zh, en] of moreThirdParties) {
    const id = `third.${suffix}`
    const [name, nameEn] = official()
    const head = leaderPerson(id, name, `Manager ${nameEn}`, "负责人", `Head, ${en}`)
    units.push({ id, name: zh, nameEn: en, kind: "third_party", leader: head.id, jurisdiction: "district.futian" })
    people.push(head)
  }

  const jurisdictions: Array<Directory.Jurisdiction> = [...base.jurisdictions]
  const streets = base.jurisdictions.filter((j) => j.level === "street")
  let next = 0
  for (const street of streets) {
    const have = base.jurisdictions.filter((j) => j.parent === street.id).length
    for (let i = have; i < 9; i++) {
      const [suffix, zh] = communityNames[next++ % communityNames.length]!
      const streetKey = street.id.replace(/^street\./, "")
      jurisdictions.push({
        id: `community.${streetKey}.${suffix}`,
        name: `${zh}社区`,
        nameEn: `${suffix.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => `${d === "" ? "" : " "}${c.toUpperCase()}`)} Community`,
        level: "community",
        parent: street.id,
        leaders: []
      })
    }
  }

  const channels: Array<Directory.Channel> = [...base.channels]
  for (const [id, name, nameEn, kind] of moreChannels) channels.push({ id, name, nameEn, kind, unit: "unit.dispatch-centre" })

  const nodes: Array<Directory.Category> = [...base.categories.nodes]
  const leaves = base.categories.nodes.filter((c) => !base.categories.nodes.some((d) => d.parent === c.id))
  for (const leaf of leaves) {
    for (const [aId, aZh, aEn] of aspects) {
      const mid = `${leaf.id}.${aId}`
      nodes.push({ id: mid, name: `${leaf.name}（${aZh}）`, nameEn: `${leaf.nameEn} (${aEn})`, parent: leaf.id })
      for (const [dId, dZh, dEn] of details) {
        nodes.push({ id: `${mid}.${dId}`, name: `${leaf.name}（${aZh}·${dZh}）`, nameEn: `${leaf.nameEn} (${aEn}, ${dEn})`, parent: mid })
      }
    }
  }

  return {
    ...base,
    id: "futian-generated",
    name: "福田区（生成）",
    nameEn: "Futian District (generated)",
    version: `generated-${options.seed ?? 20_221}`,
    units,
    people,
    jurisdictions,
    categories: { version: `${base.categories.version}-generated`, nodes },
    channels
  }
}
