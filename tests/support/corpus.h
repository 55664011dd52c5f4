// A corpus of input files with their pinned outputs (invalid/NAME.textproto
// beside NAME.expected): the case names, and a parameterized fixture that
// runs each case from the test's own folder (VIOSIM_TESTS_DIR, defined by
// each test target), so paths in the output do not depend on the checkout.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace viosim::testing_support {

// The stems of the .textproto files in `folder`, sorted.
inline std::vector<std::string> case_names(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".textproto") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class CorpusCase : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    previous_ = std::filesystem::current_path();
    std::filesystem::current_path(VIOSIM_TESTS_DIR);
  }
  void TearDown() override { std::filesystem::current_path(previous_); }

 private:
  std::filesystem::path previous_;
};

}  // namespace viosim::testing_support
