#!/bin/sh
# `pnpm llmkit …`: builds the CLI when its sources changed (quietly: build output goes to
# stderr, and only on failure), then runs it in the folder you called pnpm from, so
# relative paths (-o out, prompts.jsonl) are yours. `pnpm -s llmkit … --json` prints the JSON alone.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if ! log=$("$root/node_modules/.bin/turbo" run build --filter=@llmkit/cli... --output-logs=errors-only 2>&1); then
  printf '%s\n' "$log" >&2
  exit 1
fi
cd "${INIT_CWD:-$root}"
exec node "$root/packages/cli/dist/bin.js" "$@"
