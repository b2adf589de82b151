export { formatInstant, formatInstantWithOffset, InstantFromString, parseInstant } from "./instant.js"
export type { Instant } from "./instant.js"
export { decodeInput, describeInvalidInput, describeProblem, inputName, InvalidInput, invalidInput } from "./validation.js"
export type { InputProblem } from "./validation.js"
