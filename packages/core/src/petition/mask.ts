/** `张三丰` → `张**`: enough for a clerk to tell petitioners apart, not to identify one. */
export const maskName = (name: string): string => {
  const chars = [...name]
  return chars.length <= 1 ? "*" : chars[0] + "*".repeat(chars.length - 1)
}

/** `13812345678` → `138****5678`. */
export const maskPhone = (phone: string): string => {
  const digits = phone.replace(/\D/g, "")
  return digits.length < 7 ? "****" : `${digits.slice(0, 3)}****${digits.slice(-4)}`
}
