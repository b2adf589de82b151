// minyi's own lint rules, loaded by oxlint as a JS plugin (.oxlintrc.json → jsPlugins).
// Why a plugin: "the core never reads the wall clock" has no built-in rule — `Date` itself must
// stay usable (`new Date(ms)` formats a given instant), only the argument-less forms read the clock.

/** `Date.now()`, `new Date()` / `Date()` without arguments, luxon's `DateTime.now()` / `DateTime.local()` without arguments, `performance.now()`. */
const noWallClock = {
  meta: {
    type: "problem",
    docs: { description: "time comes from commands or Effect's Clock, never from the wall clock" }
  },
  create(context) {
    const report = (node, what) =>
      context.report({
        node,
        message: `${what} reads the wall clock: @minyi/core takes time from commands or Effect's Clock`
      })
    const calleeIs = (callee, object, property) =>
      callee.type === "MemberExpression" &&
      !callee.computed &&
      callee.object.type === "Identifier" &&
      callee.object.name === object &&
      callee.property.type === "Identifier" &&
      callee.property.name === property
    return {
      CallExpression(node) {
        const { callee } = node
        if (calleeIs(callee, "Date", "now")) report(node, "Date.now()")
        else if (calleeIs(callee, "performance", "now")) report(node, "performance.now()")
        else if (calleeIs(callee, "DateTime", "now")) report(node, "DateTime.now()")
        else if (calleeIs(callee, "DateTime", "local") && node.arguments.length === 0) report(node, "DateTime.local()")
        else if (callee.type === "Identifier" && callee.name === "Date") report(node, "Date()")
      },
      NewExpression(node) {
        if (node.callee.type === "Identifier" && node.callee.name === "Date" && node.arguments.length === 0) {
          report(node, "new Date()")
        }
      }
    }
  }
}

export default {
  meta: { name: "minyi" },
  rules: { "no-wall-clock": noWallClock }
}
