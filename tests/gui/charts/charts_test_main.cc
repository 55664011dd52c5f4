// The test binary's main: Qt Charts need a QApplication, offscreen here.
#include <gtest/gtest.h>

#include "gui/charts/headless_qt.h"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  const viosim::charts::HeadlessQt qt;
  return RUN_ALL_TESTS();
}
