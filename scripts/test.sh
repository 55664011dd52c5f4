#!/usr/bin/env bash
# The README's second command (and CI's): install what is missing, build,
# run the whole test suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir build/release -j2 --output-on-failure --timeout 600
