#!/usr/bin/env bash
# Retakes the GUI screenshots the README shows (docs/gui-*.png): the Qt Test
# drive of the window takes them with its own checks (QWidget::grab, not
# blank, expected size), under Xvfb. Needs a build (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
shots=$(mktemp -d)
trap 'rm -rf "$shots"' EXIT
VIOSIM_SCREENSHOT_DIR="$shots" xvfb-run -a -s "-screen 0 1600x1000x24" \
  build/release/tests/gui/app/gui_drive_test screenshotsOfTheMainViewsShowSomething explainsAPacketHopByHop \
  followsALessonToItsEnd presentationModeFitsAProjector animatesARecordedWindowHopByHop >/dev/null
mkdir -p docs
for view in scenario latency_cdf explain lesson presentation-explain animate; do cp "$shots/gui-$view.png" "docs/gui-$view.png"; done
ls -l docs/gui-*.png
