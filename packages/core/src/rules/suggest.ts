/** "Did you mean …": the closest known name by edit distance, when it is close enough to be a typo. */

const distance = (a: string, b: string): number => {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!
    previous[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1))
      diagonal = above
    }
  }
  return previous[b.length]!
}

export const closest = (word: string, known: Iterable<string>): string | undefined => {
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = distance(word, k)
    if (d < bestDistance) [best, bestDistance] = [k, d]
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined
}

/** `; did you mean "x"?` or, with no close match, the list of what is allowed when it is short. */
export const didYouMean = (word: string, known: ReadonlyArray<string> | ReadonlySet<string>, lang: "en" | "zh-CN" = "en"): string => {
  const list = [...known]
  const near = closest(word, list)
  const zh = lang === "zh-CN"
  if (near !== undefined) return zh ? `；是否应为 "${near}"？` : `; did you mean "${near}"?`
  if (list.length === 0 || list.length > 16) return ""
  const quoted = list.map((k) => `"${k}"`)
  return zh ? `；应为以下之一：${quoted.join("、")}` : `; expected one of ${quoted.join(", ")}`
}
