#!/usr/bin/env bash
# Configures (once) and builds the release tree in build/release with two
# jobs, with the Qt parts (plots, GUI) on: setup.sh installs Qt. Incremental:
# a second run with nothing changed takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/release
# Warnings in the project's own code are errors (Debian 12's GCC is the one
# toolchain). Reconfigures a tree made before these options were set here.
if [ ! -f "$build/build.ninja" ] || ! grep -q '^VIOSIM_GUI:BOOL=ON$' "$build/CMakeCache.txt" ||
   ! grep -q '^VIOSIM_WERROR:BOOL=ON$' "$build/CMakeCache.txt"; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVIOSIM_GUI=ON -DVIOSIM_WERROR=ON >/dev/null
fi
cmake --build "$build" -j2
