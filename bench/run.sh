#!/usr/bin/env bash
# berth's HTTP benchmark: installs wrk and nginx when missing, raises the
# open-files limit, runs bench/http_bench.ts (which starts every server,
# loads each with wrk and writes bench/RESULTS.md), and on any exit kills by
# PID whatever server the harness left behind (bench/out/pids).
#
#   bash bench/run.sh [--quick] [--duration S] [--reps N]
#   deno task bench:http [--quick]
set -euo pipefail

cd "$(dirname "$0")/.."
REPO="$(pwd)"
PIDS="$REPO/bench/out/pids"
mkdir -p "$REPO/bench/out"

# Whether PID $1 still runs a command line containing $2.
runs() {
  [[ -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}

cleanup() {
  # Kill leftovers by PID, only if the PID still runs what we started.
  [[ -f "$PIDS" ]] || return 0
  local left=() pid marker
  while read -r pid marker; do
    [[ -n "${pid:-}" ]] || continue
    if runs "$pid" "$marker"; then
      echo "run.sh: stopping leftover PID $pid ($marker)" >&2
      kill -TERM "$pid" 2>/dev/null || true
      left+=("$pid $marker")
    fi
  done <"$PIDS"
  if ((${#left[@]})); then
    sleep 1
    for entry in "${left[@]}"; do
      read -r pid marker <<<"$entry"
      if runs "$pid" "$marker"; then kill -KILL "$pid" 2>/dev/null || true; fi
    done
  fi
  rm -f "$PIDS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
if ((${#need[@]})); then
  echo "Installing ${need[*]}…" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y "${need[@]}" >/dev/null; then
    apt-get update >/dev/null && apt-get install -y "${need[@]}" >/dev/null
  fi
fi

# Room for 10,000 idle connections plus the other servers' sockets.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "ulimit -n: $(ulimit -n)" >&2

deno run -A bench/http_bench.ts "$@"
