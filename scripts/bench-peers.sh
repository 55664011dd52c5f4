#!/usr/bin/env bash
# Runs ../shared/bench-peers (ns-3, SimGrid, SimPy and the baseline heap) with
# viosim-bench as the "newsim" engine, and prints the median table. Installs
# the peers' packages first. REPS, WORKLOADS and ENGINES pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
peers=${BENCH_PEERS:-../shared/bench-peers}
[ -d "$peers" ] || { echo "bench-peers: $peers not found (set BENCH_PEERS)" >&2; exit 2; }
scripts/setup.sh
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
if ! dpkg-query -W -f='${Status}' libns3-dev libsimgrid-dev python3-simpy 2>/dev/null | grep -c "install ok installed" | grep -q 3; then
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq libns3-dev libsimgrid-dev python3-simpy >/dev/null
fi
scripts/build.sh >/dev/null
NEWSIM_CMD="$PWD/build/release/bench/viosim-bench" "$peers/run.sh"
