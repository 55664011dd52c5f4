// Output pinned in a file beside the test (an error listing, a journey):
// compared byte for byte; with VIOSIM_UPDATE_EXPECTED set in the
// environment, rewritten instead, for a reviewed diff after an intended
// change in wording or in a model.
//
//   if (!matches_expected_file(actual, path)) GTEST_SKIP() << "updated " << path;
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace viosim::testing_support {

// False when it rewrote the file (the caller skips); otherwise checks.
inline bool matches_expected_file(const std::string& actual, const std::filesystem::path& expected) {
  if (std::getenv("VIOSIM_UPDATE_EXPECTED") != nullptr) {
    std::ofstream(expected, std::ios::binary) << actual;
    return false;
  }
  EXPECT_TRUE(std::filesystem::exists(expected)) << "missing " << expected << "; actual output:\n" << actual;
  std::ifstream in(expected, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(actual, text.str()) << "differs from " << expected;
  return true;
}

}  // namespace viosim::testing_support
