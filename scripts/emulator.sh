#!/bin/sh
# `pnpm emulator [--port N] [--providers a,b] …`: builds @llmkit/testing when needed, then
# runs the emulator in this process (exec), so Ctrl-C and SIGTERM stop it and its render threads.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if ! log=$("$root/node_modules/.bin/turbo" run build --filter=@llmkit/testing... --output-logs=errors-only 2>&1); then
  printf '%s\n' "$log" >&2
  exit 1
fi
[ "${1:-}" = "--" ] && shift
# pnpm exits on SIGTERM without passing it on: the emulator watches our parent and its parent (pnpm) and stops with them.
watch=$PPID
if [ -r "/proc/$PPID/stat" ]; then watch="$watch,$(cut -d' ' -f4 "/proc/$PPID/stat")"; fi
LLMKIT_EXIT_WITH=$watch exec node "$root/packages/testing/dist/bin/emulator.js" "$@"
