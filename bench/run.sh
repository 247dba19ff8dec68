#!/usr/bin/env bash
# berth's HTTP benchmark: installs wrk and nginx when missing, raises the
# open-files limit, runs bench/http_bench.ts (which starts every server,
# loads each with wrk and writes bench/RESULTS.md), then the HTTP/2 case,
# bench/h2load.ts (h2load over TLS against berth, nginx with HTTP/2 on, and
# Deno.serve; it prints its ratios), and on any exit kills by PID whatever
# server the harness left behind (bench/out/pids).
#
#   bash bench/run.sh [--quick] [--duration S] [--reps N] [--no-h2load]
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

# The options each harness takes: --no-h2load is run.sh's own; h2load.ts
# takes --duration and --reps (--quick: one 2 s run per server and case, so
# the whole quick run stays under 3 minutes).
http_args=()
h2_args=()
h2load=1
while (($#)); do
  case "$1" in
    --no-h2load) h2load=0 ;;
    --help | -h) http_args+=("$1"); h2load=0 ;;
    --quick) http_args+=("$1"); h2_args+=(--duration 2 --reps 1) ;;
    --duration | --reps)
      http_args+=("$1" "${2:-}"); h2_args+=("$1" "${2:-}"); shift ;;
    *) http_args+=("$1") ;;
  esac
  shift
done

deno run -A bench/http_bench.ts "${http_args[@]}"
# HTTP/2 (issue #16): its ratios go into bench/RESULTS.md, "HTTP/2 on the
# wire", by hand.
if ((h2load)); then deno run -A bench/h2load.ts "${h2_args[@]}"; fi
