#!/usr/bin/env bash
# What a portal installs, checked as it will be published: build every package, pack it with
# `pnpm pack` (which applies publishConfig), lint the tarball with publint and
# are-the-types-wrong (ESM-only profile), check what it ships; then install @minyi/core and
# @minyi/store-sqlite from their tarballs into an empty project with npm (third-party
# dependencies from the registry) and run README.md's "Use it in your project" example with
# plain `node`: no tsx, no workspace conditions.
#   scripts/check-packages.sh              build first
#   scripts/check-packages.sh --no-build   use the dist/ already built
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if [ "${1:-}" != "--no-build" ]; then pnpm build; fi

out="$(mktemp -d -t minyi-packages.XXXXXX)"
trap 'rm -rf "$out"' EXIT
failed=0
fail() { echo "check-packages: $*" >&2; failed=1; }

for dir in packages/*/; do
  dir="${dir%/}"
  [ "$(node -p "require('./$dir/package.json').private === true")" = "true" ] && continue
  tarball="$(cd "$dir" && pnpm pack --pack-destination "$out" | tail -n 1)"
  echo "== $dir: $(basename "$tarball")"
  contents="$(tar tzf "$tarball")"
  for file in package/package.json package/README.md package/LICENSE package/dist/index.js package/dist/index.d.ts; do
    grep -qx "$file" <<<"$contents" || fail "$dir: the tarball lacks ${file#package/}"
  done
  if grep -q '^package/src/' <<<"$contents"; then fail "$dir: the tarball ships src/ next to dist/"; fi
  if tar xzOf "$tarball" package/package.json | grep -q '@minyi/source'; then
    fail "$dir: the packed package.json keeps the workspace-only \"@minyi/source\" condition"
  fi
  # A shipped rule pack's "$schema" must lead to the schema inside the installed package.
  if grep -q '^package/dist/presets/.*\.json$' <<<"$contents"; then
    unpacked="$out/unpacked-$(basename "$tarball" .tgz)"
    mkdir -p "$unpacked" && tar xzf "$tarball" -C "$unpacked"
    node -e '
      const { existsSync, readdirSync, readFileSync } = require("fs"), { join, resolve } = require("path")
      const presets = join(process.argv[1], "package/dist/presets")
      for (const file of readdirSync(presets).filter((f) => f.endsWith(".json"))) {
        const schema = resolve(presets, String(JSON.parse(readFileSync(join(presets, file), "utf8")).$schema))
        if (!existsSync(schema)) { console.error(`${file}: $schema leads to ${schema}, which the package lacks`); process.exit(1) }
      }
    ' "$unpacked" || fail "$dir: a preset's \$schema does not resolve in the package"
  fi
  pnpm exec publint --strict "$tarball" || fail "$dir: publint"
  pnpm exec attw --profile esm-only --format table-flipped "$tarball" || fail "$dir: are-the-types-wrong"
done
[ "$failed" = 0 ] || exit 1

echo "== install test: @minyi/core + @minyi/store-sqlite from tarballs, README example with node"
app="$out/app"
mkdir "$app"
cat >"$app/package.json" <<'JSON'
{ "name": "minyi-install-test", "private": true, "type": "module", "allowScripts": { "better-sqlite3": true } }
JSON
# The first ```js block after the README's install-test marker, verbatim.
node -e '
  const readme = require("fs").readFileSync(process.argv[1], "utf8")
  const at = readme.indexOf("<!-- install-test: example.mjs")
  const block = at < 0 ? null : /```js\n([\s\S]*?)```/.exec(readme.slice(at))
  if (block === null) { console.error("README.md: no ```js block after the <!-- install-test: example.mjs … --> marker"); process.exit(1) }
  require("fs").writeFileSync(process.argv[2], block[1])
' "$root/README.md" "$app/example.mjs"
# better-sqlite3 compiles from source: its prebuilt binaries come from a host this machine cannot
# reach, and asking for them first only waits for that download to fail.
(cd "$app" && npm_config_build_from_source=true npm install --no-audit --no-fund --loglevel=error "$out"/minyi-core-*.tgz "$out"/minyi-store-sqlite-*.tgz)
effects="$(cd "$app" && find . -path '*/node_modules/effect/package.json' | wc -l)"
[ "$effects" = 1 ] || fail "install test: $effects copies of effect installed, expected one (a peer dependency)"
output="$(cd "$app" && node example.mjs)" || fail "install test: the README example failed under node"
echo "$output"
# The petition is routed, the 10-minute feedback clock fires its rule, and the phone number reads
# back through Redacted.value — which only works when the portal and minyi share one effect.
grep -q 'dept\.' <<<"$output" || fail "install test: no lead unit in the example's output"
grep -q 'feedback-overdue' <<<"$output" || fail "install test: the feedback-overdue rule did not fire"
grep -q '13912345678' <<<"$output" || fail "install test: Redacted.value did not read the phone number"
[ "$failed" = 0 ] || exit 1
echo "check-packages: ok"
