#!/usr/bin/env bash
# Configures (once) and builds the release tree in build/release with two
# jobs. Incremental: a second run with nothing changed takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/release
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j2
