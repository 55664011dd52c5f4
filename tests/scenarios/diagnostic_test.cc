// How diagnostics look: caret placement with tabs and UTF-8, safe output of
// binary input, long lines, and "did you mean".
#include <gtest/gtest.h>

#include "scenarios/loader/diagnostic.h"
#include "scenarios/loader/suggest.h"

namespace viosim::scenarios {
namespace {

TEST(Diagnostic, CaretFollowsTabsAsTheParserCountsThem) {
  // protobuf's tokenizer moves a tab to the next multiple of 8: column 9.
  const Diagnostic d{"f", 1, 9, "\tvcpus: 0", "bad"};
  EXPECT_EQ(format_diagnostic(d), "f:1:9: error: bad\n        vcpus: 0\n        ^\n");
}

TEST(Diagnostic, CaretCountsUtf8CharactersOnce) {
  // "é" is two bytes (parser columns) but one cell on screen.
  const Diagnostic d{"f", 1, 12, "name: \"\xc3\xa9\" x", "bad"};
  EXPECT_EQ(format_diagnostic(d), "f:1:12: error: bad\nname: \"\xc3\xa9\" x\n          ^\n");
}

TEST(Diagnostic, BinaryBytesBecomeQuestionMarks) {
  const Diagnostic d{"f", 1, 2, std::string("a\x01\xff", 3), std::string("got \x00", 5)};
  EXPECT_EQ(format_diagnostic(d), "f:1:2: error: got ?\na??\n ^\n");
}

TEST(Diagnostic, LongLinesAreCutAroundTheCaret) {
  const Diagnostic d{"f", 1, 500, std::string(1000, 'x'), "bad"};
  const std::string out = format_diagnostic(d);
  EXPECT_NE(out.find("\n..." + std::string(200, 'x') + "...\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\n" + std::string(103, ' ') + "^\n"), std::string::npos) << out;
}

TEST(Diagnostic, WithoutPositionThereIsNoSourceLine) {
  EXPECT_EQ(format_diagnostic({"--set a=b", 0, 0, "", "bad"}), "--set a=b: error: bad\n");
}

TEST(Suggest, FindsCloseNamesOnly) {
  EXPECT_EQ(edit_distance("vcpu", "vcpus"), 1u);
  EXPECT_EQ(edit_distance("vcpsu", "vcpus"), 1u);  // a swap counts once
  EXPECT_EQ(closest_match("vhost_net", {"E1000", "VHOST_NET"}), "VHOST_NET");
  EXPECT_EQ(closest_match("frobnicate", {"cores", "nic"}), std::nullopt);
  EXPECT_EQ(did_you_mean("skylake", {"kvm-2012", "skylake-sp"}), "; did you mean \"skylake-sp\"?");
}

}  // namespace
}  // namespace viosim::scenarios
