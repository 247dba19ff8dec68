#!/usr/bin/env bash
# berth's soak: installs wrk when missing (as root), raises the open-files
# limit, then runs tools/soak.ts, which starts berth, loads it, checks RSS,
# descriptors and sha256 of sampled downloads, and stops everything it
# started by PID (also on Ctrl-C). Exit status: 0 pass, 1 fail.
#
#   bash tools/soak.sh                  # 10 minutes, writes bench/RESULTS.md
#   bash tools/soak.sh --seconds 30     # the CI version
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  echo "soak.sh: installing wrk…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y wrk >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1; } ||
    echo "soak.sh: no wrk: soak.ts falls back to Deno load clients" >&2
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec deno run -A tools/soak.ts "$@"
