#!/usr/bin/env bash
# The engine benchmark: install what is missing, build, and run
# viosim-bench on the peer harness's three workloads (seed 1): events,
# events per second, the cross-engine check value, peak RSS, fingerprint.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
bench=build/release/bench/viosim-bench
printf '%-10s %12s %14s %18s %10s  %s\n' workload events "events/s" check "RSS KiB" fingerprint
for w in "phold-64|--bench=phold --lps=64 --pop=1 --tend=30000" \
         "phold-10k|--bench=phold --lps=1000 --pop=10 --tend=200" \
         "mm1|--bench=mm1 --customers=1000000 --lambda=0.9 --mu=1.0"; do
  name=${w%%|*}
  # shellcheck disable=SC2086
  line=$("$bench" ${w#*|} --seed=1)
  field() { echo "$line" | grep -o "\"$1\":[^,}]*" | cut -d: -f2 | tr -d '"' || true; }
  check=$(field check_events)
  [ -n "$check" ] || check="sojourn $(field mean_sojourn)"
  printf '%-10s %12s %14.0f %18s %10s  %s\n' "$name" "$(field events)" "$(field events_per_s)" "$check" \
    "$(field maxrss_kb)" "$(field fingerprint)"
done
