// viosim-gui's arguments.
#include <gtest/gtest.h>

#include "gui/app/command_line.h"

namespace viosim::gui {
namespace {

TEST(GuiCommandLine, TakesAFileAndOverrides) {
  const GuiArguments a = parse_gui_arguments({"--set", "run.duration_ms=5", "x.textproto", "--set=seed=2"});
  EXPECT_EQ(a.error, "");
  EXPECT_EQ(a.file, "x.textproto");
  EXPECT_EQ(a.set, (std::vector<std::string>{"run.duration_ms=5", "seed=2"}));
}

TEST(GuiCommandLine, RefusesWhatItDoesNotKnow) {
  EXPECT_NE(parse_gui_arguments({"--frobnicate"}).error, "");
  EXPECT_NE(parse_gui_arguments({"a.textproto", "b.textproto"}).error, "");
  EXPECT_NE(parse_gui_arguments({"--set"}).error, "");
  EXPECT_TRUE(parse_gui_arguments({"--help"}).help);
}

TEST(GuiCommandLine, SaysWhyAFileCannotBeRead) {
  EXPECT_EQ(unreadable(std::string(VIOSIM_SOURCE_DIR) + "/scenarios/examples/compare_paths.textproto"), std::nullopt);
  const auto why = unreadable("/no/such/file.textproto");
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("No such file"), std::string::npos) << *why;
}

}  // namespace
}  // namespace viosim::gui
