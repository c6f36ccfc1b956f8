#!/bin/sh
# The system programs the tests use, from Debian: chromium (the CLI's gallery test drives
# /usr/bin/chromium; no browser download) and redis-server (@llmkit/queue's tests start a
# real Redis on a loopback port). Idempotent: installs only what is missing, with apt-get
# as root, with sudo otherwise; says exactly what to run when it can do neither.
# Run by `pnpm test` and by .ci/run.
set -eu

missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing="$missing redis-server"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
else
  echo "llmkit tests need Debian packages that are not installed:$missing" >&2
  echo "Install them as root, then run the tests again:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "llmkit tests need:$missing (no apt-get here: install them with your system's package manager)" >&2
  exit 1
fi
echo "installing Debian packages for the tests:$missing" >&2
$as_root apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing >&2
