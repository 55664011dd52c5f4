#!/usr/bin/env bash
# The measurements of SWEEP_FIGURES.md: one 40-point sweep (load_curve with
# 20 rates x 2 backends, 1 replication, 1.2 s simulated per point, about
# 0.2-0.5 s of wall time each) run with -j1, -j2 and mpirun -np 2, in
# interleaved rounds. Per run: wall time, CPU time (user+sys) of the sweep,
# the load average before it, and the mean number of points in flight (the
# points' own wall_s summed, over the elapsed time). Ends with the checksums
# of every run's aggregate.csv: one line means byte-identical.
#   usage: scripts/sweep-figures.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
viosim=$(realpath "${1:-build/release}")/cli/viosim
rounds=${2:-3}
file=$PWD/scenarios/examples/load_curve.textproto
sets=(--set sweep.replications=1 --set compare.backend=VHOST_NET,VHOST_USER
      --set 'sweep.axis[0].range.from=100000' --set 'sweep.axis[0].range.to=1050000'
      --set 'sweep.axis[0].range.step=50000' --set run.duration_ms=1200 --set run.warmup_ms=50)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
  for mode in j1 j2 mpi; do
    out=$work/$mode-$round
    case $mode in
      j1) command=("$viosim" sweep "$file" "${sets[@]}" -j1 -o "$out") ;;
      j2) command=("$viosim" sweep "$file" "${sets[@]}" -j2 -o "$out") ;;
      mpi) command=(mpirun -np 2 --oversubscribe "$viosim" sweep "$file" "${sets[@]}" --mpi -o "$out") ;;
    esac
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -o "$work/time" -f '%e %U %S' "${command[@]}" >/dev/null 2>&1
    read -r wall user sys <"$work/time"
    in_flight=$(grep -h '"wall_s"' "$out"/points/*.json | tr -dc '0-9.\n' | paste -sd+ | sed "s|.*|scale=2; (&) / $wall|" | bc)
    printf '%s %-3s wall %6.2f s  cpu %6.2f s  in flight %s  load before %s\n' "$round" "$mode" "$wall" \
      "$(echo "$user + $sys" | bc)" "$in_flight" "$load"
  done
done
md5sum "$work"/*/aggregate.csv | awk '{print $1}' | sort | uniq -c
