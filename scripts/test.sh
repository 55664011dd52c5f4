#!/usr/bin/env bash
# The README's second command (and CI's): install what is missing, then
#  1. build the release tree (warnings are errors) and run the whole test
#     suite with CTest, GUI tests included;
#  2. build the dev tree (Debug, ASan + UBSan, VIOSIM_GUI=OFF) and run the
#     suite there: the non-GUI tests under the sanitizers (but the two
#     field-by-field sweeps below), and the proof that the project builds
#     without Qt;
#  3. fuzz the scenario loader for 60 s (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir build/release -j2 --output-on-failure --timeout 600

echo "test: the sanitizer build (dev preset: ASan + UBSan, no GUI)" >&2
[ -f build/dev/build.ninja ] || cmake --preset dev >/dev/null
cmake --build build/dev -j2
# Every test but two parametrised sweeps: Liveness (each schema field
# changed in turn, about 260 reruns of the same reference scenarios) and
# EveryScenarioFile (every verb on every scenario file). They add no code
# path the rest does not run, and took 9 of the 20 minutes here.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build/dev -j2 --output-on-failure --timeout 900 -E '^(Fields/Liveness|Files/EveryScenarioFile)\.'

echo "test: fuzzing the scenario loader for ${FUZZ_SECONDS:-60} s" >&2
scripts/fuzz.sh
