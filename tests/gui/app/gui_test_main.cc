// The GoogleTest main of the GUI's model tests: a QApplication, offscreen
// unless QT_QPA_PLATFORM says otherwise (models use fonts and colours).
#include <gtest/gtest.h>

#include "gui/charts/headless_qt.h"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  const viosim::charts::HeadlessQt qt;
  return RUN_ALL_TESTS();
}
