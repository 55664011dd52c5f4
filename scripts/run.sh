#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the
# main job: the five I/O paths and bare metal side by side on the same
# small-packet traffic (scenarios/examples/compare_paths.textproto), with
# its plots. It prints the comparison table and where it wrote the results
# folder and the plots.
# The engine benchmark is scripts/bench-engine.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
out="runs/compare_paths-$(date +%Y%m%d-%H%M%S)"
build/release/cli/viosim run scenarios/examples/compare_paths.textproto -o "$out" --plot "$@"
