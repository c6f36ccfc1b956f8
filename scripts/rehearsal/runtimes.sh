#!/usr/bin/env bash
# Called by release-rehearsal.sh with the scratch app (the tarballs installed) and a work folder:
# on Node 20 (this one), 22 and 24 (npm's node-linux-* packages, into the work folder), Bun and Deno
# (from npm, the workspace's), the README's Quick Start and a generation over real HTTP against the
# OpenAI emulator (the workspace's @llmkit/testing) on 127.0.0.1, and core's HTTP limits against a
# loopback server (transport-limits.mjs: timeouts, byte limit, abort, download policy). Then core's and openai's public types
# compiled without @types/node. Nothing leaves 127.0.0.1 but the npm install of the Node binaries.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/node_modules/.bin"
app=$1
work=$2

arch=$(node -p 'process.arch')
mkdir -p "$work/nodes"
echo '{"private":true}' >"$work/nodes/package.json"
(cd "$work/nodes" && npm install --no-audit --no-fund --prefer-offline --loglevel=error \
  "node22@npm:node-linux-$arch@22" "node24@npm:node-linux-$arch@24" >/dev/null)

node "$root/packages/testing/dist/bin/emulator.js" --port 0 --providers openai >"$work/emulator.out" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q '^export OPENAI_BASE_URL=' "$work/emulator.out" && break
  kill -0 "$emulator" 2>/dev/null || { cat "$work/emulator.out" >&2; exit 1; }
  sleep 0.1
done
eval "$(grep '^export OPENAI_' "$work/emulator.out")"
case "$OPENAI_BASE_URL" in http://127.0.0.1:*) ;; *) echo "emulator not on 127.0.0.1: $OPENAI_BASE_URL" >&2; exit 1 ;; esac

run() {
  local name=$1
  shift
  echo "  $name: $("$@" --version 2>/dev/null | head -1)"
  (cd "$app" && "$@" quick-start.mjs && "$@" emulator-generation.mjs && "$@" transport-limits.mjs)
}
cp "$root/scripts/rehearsal/emulator-generation.mjs" "$root/scripts/rehearsal/transport-limits.mjs" "$app/"
for node in node "$work/nodes/node_modules/node22/bin/node" "$work/nodes/node_modules/node24/bin/node"; do
  run node "$node"
done
run bun "$bin/bun"
# Deno: the generation may reach 127.0.0.1 only.
deno() { DENO_NO_UPDATE_CHECK=1 "$bin/deno" "$@"; }
echo "  deno: $(deno --version | head -1)"
(cd "$app" && deno run --allow-read --allow-write --allow-env --allow-sys quick-start.mjs)
(cd "$app" && deno run --allow-read --allow-env --allow-sys --allow-net=127.0.0.1 emulator-generation.mjs)
(cd "$app" && deno run --allow-read --allow-env --allow-sys --allow-net=127.0.0.1 transport-limits.mjs)

echo "  public types without @types/node"
cp "$root/scripts/rehearsal/types-without-node.ts" "$app/"
cat >"$app/tsconfig.types.json" <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023", "DOM"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "types": [],
    "strict": true,
    "skipLibCheck": false,
    "noEmit": true
  },
  "files": ["types-without-node.ts"]
}
JSON
(cd "$app" && "$bin/tsc" -p tsconfig.types.json)
