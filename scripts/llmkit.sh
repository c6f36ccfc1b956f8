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
# pnpm exits on SIGTERM without passing it on: the CLI watches our parent and its parent (pnpm) and
# stops with them as on SIGTERM (`pnpm llmkit worker` finishes its items in hand instead of being orphaned).
watch=$PPID
if [ -r "/proc/$PPID/stat" ]; then watch="$watch,$(cut -d' ' -f4 "/proc/$PPID/stat")"; fi
LLMKIT_EXIT_WITH=$watch exec node "$root/packages/cli/dist/bin.js" "$@"
