#!/usr/bin/env bash
# Installs every Debian 12 package the project needs to build, test and run
# (compiler, CMake, Ninja, ccache, Boost.Graph, Protobuf, Qt 6 Charts,
# GoogleTest, Google Benchmark, Open MPI, Xvfb, clang with libFuzzer).
# Idempotent: apt-get runs only when a package is missing. Needs root (or
# sudo). Packages go in with --no-install-recommends, so every find_package
# of the build names its own package here: Qt6Charts needs Qt6OpenGL, which
# is only a Recommends of qt6-base-dev (libqt6opengl6-dev).
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config make
  libboost-dev libboost-graph-dev
  libprotobuf-dev protobuf-compiler
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libopenmpi-dev openmpi-bin
  xvfb xauth
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
