#!/usr/bin/env bash
# The scenario loader's libFuzzer target (tests/fuzz/loader_fuzz.cc), built
# with clang-14 under ASan + UBSan in build/fuzz, run for FUZZ_SECONDS (60 by
# default; CI runs the default) over the checked-in corpus: tests/fuzz/corpus,
# the example scenarios and the valid and invalid test cases. New inputs go
# to a scratch folder; a crash leaves its input as crash-* in build/fuzz.
# Longer: FUZZ_SECONDS=3600 scripts/fuzz.sh (or run build/fuzz/tests/fuzz/
# loader_fuzz with libFuzzer's own flags).
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/fuzz
if [ ! -f "$build/build.ninja" ]; then
  # A unity build with line tables only (-g1): the fuzzer links most of
  # the project (the loader builds the models to validate), and its
  # reports need files and lines, not variables.
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_UNITY_BUILD=ON \
    -DCMAKE_CXX_COMPILER=clang++-14 -DVIOSIM_FUZZ=ON -DVIOSIM_SANITIZE=ON \
    -DVIOSIM_GUI=OFF -DVIOSIM_TESTS=OFF -DVIOSIM_BENCH=OFF -DVIOSIM_MPI=OFF >/dev/null
fi
cmake --build "$build" -j2 --target loader_fuzz
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$build"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  tests/fuzz/loader_fuzz -max_total_time="${FUZZ_SECONDS:-60}" -timeout=20 -rss_limit_mb=4096 \
  -max_len=200000 -print_final_stats=1 \
  "$scratch" ../../tests/fuzz/corpus ../../scenarios/examples ../../tests/scenarios/invalid ../../tests/scenarios/valid
