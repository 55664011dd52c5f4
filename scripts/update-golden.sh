#!/usr/bin/env bash
# Regenerates tests/golden/fingerprints.csv (every example scenario x backend,
# run short) from the current models. Run it when a model change moves the
# fingerprints on purpose, and say why in the commit that updates the table.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
VIOSIM_UPDATE_GOLDEN=1 build/release/tests/scenarios/scenarios_test --gtest_filter='Golden.*' >/dev/null
git --no-pager diff --stat -- tests/golden/fingerprints.csv
