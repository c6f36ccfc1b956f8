#!/usr/bin/env bash
# Release rehearsal (run by .ci/run): what `changeset publish` would ship, checked as a user gets it.
#  1. `changeset version` on a throwaway copy of the repo (the versions and ranges a release writes);
#  2. `pnpm pack` of every package there (publishConfig applied: no private export condition);
#  3. publint --strict and are-the-types-wrong on every tarball;
#  4. npm installs the tarballs into a scratch app (no workspace; third-party deps from the registry);
#  5. the README's Quick Start (local:sketch, offline) and a generation against the OpenAI emulator on
#     127.0.0.1 run there on Node 20, 22, 24, Bun and Deno (scripts/rehearsal/runtimes.sh), core's public
#     types compile without @types/node, the `llmkit` bin runs, and `--emulator` without @llmkit/testing says what to install.
# Fails on the first problem. Needs the packages built (it runs the cached turbo build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/node_modules/.bin"
work=$(mktemp -d "${TMPDIR:-/tmp}/llmkit-rehearsal.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
step() { echo "rehearsal [$(($(date +%s) - start))s]: $*"; }

if [ -z "${REHEARSAL_SKIP_BUILD:-}" ]; then
  step "build (cached)"
  (cd "$root" && "$bin/turbo" run build --filter='./packages/*' --output-logs=errors-only >/dev/null)
fi

step "changeset version on a copy"
mkdir "$work/repo"
(cd "$root" && git ls-files -co --exclude-standard -- . ':!:**/node_modules/**' | tar -cf - -T -) | tar -xf - -C "$work/repo"
for dist in "$root"/packages/*/dist; do cp -r "$dist" "$work/repo/packages/$(basename "$(dirname "$dist")")/"; done
(cd "$work/repo" && "$bin/changeset" version >/dev/null)

step "pack"
# What pnpm publish does to workspace: ranges (here without a node_modules in the copy to read them from).
node - "$work/repo/packages" <<'JS'
const { readdirSync, readFileSync, writeFileSync, existsSync } = require('node:fs')
const dir = process.argv[2]
const manifests = readdirSync(dir).map((d) => `${dir}/${d}/package.json`).filter(existsSync)
const versions = Object.fromEntries(manifests.map((f) => JSON.parse(readFileSync(f, 'utf8'))).map((p) => [p.name, p.version]))
for (const file of manifests) {
  const p = JSON.parse(readFileSync(file, 'utf8'))
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'])
    for (const [name, spec] of Object.entries(p[field] ?? {})) {
      if (!spec.startsWith('workspace:')) continue
      const range = spec.slice('workspace:'.length)
      const version = versions[name]
      p[field][name] = range === '^' ? `^${version}` : range === '~' ? `~${version}` : range === '*' ? version : range
    }
  writeFileSync(file, JSON.stringify(p, null, 2) + '\n')
}
JS
mkdir "$work/tarballs"
for dir in "$work"/repo/packages/*/; do
  (cd "$dir" && pnpm pack --pack-destination "$work/tarballs" >"$work/pack.log" 2>&1) || {
    cat "$work/pack.log" >&2
    exit 1
  }
done
ls "$work/tarballs"

step "publint --strict, are-the-types-wrong"
for tarball in "$work"/tarballs/*.tgz; do
  name=$(basename "$tarball")
  if tar -xzOf "$tarball" package/package.json | grep -q '@llmkit/source\|workspace:'; then
    echo "$name: package.json still has @llmkit/source or workspace: ranges" >&2
    exit 1
  fi
  "$bin/publint" run "$tarball" --strict --level warning >"$work/publint.log" 2>&1 || {
    cat "$work/publint.log" >&2
    exit 1
  }
  ignore=()
  # ESM only on purpose: the conformance suite calls vitest, which cannot be require()d.
  case "$name" in llmkit-testing-*) ignore=(--ignore-rules cjs-resolves-to-esm) ;; esac
  "$bin/attw" "$tarball" --format ascii --no-emoji --no-color "${ignore[@]}" >"$work/attw.log" 2>&1 || {
    cat "$work/attw.log" >&2
    exit 1
  }
  echo "  $name: publint ok, attw ok"
done

step "npm install into a scratch app"
app="$work/app"
mkdir "$app"
tgz() { ls "$work"/tarballs/llmkit-"$1"-[0-9]*.tgz; }
node - "$app" "$work/tarballs" <<'JS'
const { readdirSync, writeFileSync } = require('node:fs')
const [app, tarballs] = process.argv.slice(2)
const specs = {}
for (const file of readdirSync(tarballs)) {
  const short = file.replace(/^llmkit-/, '').replace(/-\d+\.\d+\.\d+.*\.tgz$/, '')
  specs[`@llmkit/${short}`] = `file:${tarballs}/${file}`
}
// What a user installs: the umbrella (also under the name 'llmkit') and the CLI, without @llmkit/testing.
const dependencies = { '@llmkit/sdk': specs['@llmkit/sdk'], llmkit: specs['@llmkit/sdk'], '@llmkit/cli': specs['@llmkit/cli'] }
// Our other packages come from the tarballs too, never from the registry.
const overrides = Object.fromEntries(Object.entries(specs).filter(([name]) => !(name in dependencies)))
writeFileSync(`${app}/package.json`, JSON.stringify({ name: 'scratch-app', private: true, type: 'module', dependencies, overrides }, null, 2))
JS
(cd "$app" && npm install --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null)
for name in "$app"/node_modules/@llmkit/*; do
  [ -d "$name/node_modules/@llmkit" ] && { echo "second copy of an @llmkit package under $name" >&2; exit 1; }
done
for peer in testing queue; do
  [ -e "$app/node_modules/@llmkit/$peer" ] && { echo "@llmkit/$peer was installed for the CLI (it is an optional peer)" >&2; exit 1; }
done
cp "$root/scripts/rehearsal/quick-start.mjs" "$app/"

export XDG_CACHE_HOME="$app/cache"
step "Quick Start and a generation against the emulator on Node 20, 22, 24, Bun, Deno; types without @types/node"
bash "$root/scripts/rehearsal/runtimes.sh" "$app" "$work"
(cd "$app" && node -e "const { LLMKitClient } = require('@llmkit/sdk'); if (typeof LLMKitClient.fromEnv !== 'function') process.exit(1)")

step "the llmkit bin"
(cd "$app" && npx --no-install llmkit generate "a lake at dusk" --size 64x64 --seed 1 -o out --json >"$work/cli.json")
grep -q '"ok":true' "$work/cli.json" || { cat "$work/cli.json" >&2; exit 1; }
# A command that needs an optional peer the app lacks: exit 2 and the line to install it (before any connection).
expect_install_line() {
  local line=$1
  shift
  set +e
  (cd "$app" && npx --no-install llmkit "$@") >"$work/peer.out" 2>&1
  local code=$?
  set -e
  if [ "$code" != 2 ] || ! grep -qF -- "$line" "$work/peer.out"; then
    echo "llmkit $* without its optional peer: exit $code, expected 2 and '$line':" >&2
    cat "$work/peer.out" >&2
    exit 1
  fi
}
expect_install_line 'npm i -D @llmkit/testing' generate "a lake" --emulator -o out
printf 'a lake\n' >"$app/prompts.txt"
expect_install_line 'npm i @llmkit/queue' worker --queue redis://127.0.0.1:9
expect_install_line 'npm i @llmkit/queue' batch prompts.txt --queue redis://127.0.0.1:9 -o queued
step "ok"
