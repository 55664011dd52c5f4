// The editor's text side: where fields are written, the leading comments
// kept when the form rewrites the text, and syntax errors with a position.
#include <gtest/gtest.h>

#include "gui/app/scenario_text.h"

namespace viosim::gui {
namespace {

TEST(ScenarioText, RecordsWhereEachFieldIsWritten) {
  const ParsedText p = parse_scenario_text(
      "# a comment\n"
      "name: \"x\"\n"
      "vm {\n"
      "  name: \"vm0\"\n"
      "  pin_cores: [2, 3]\n"
      "}\n");
  ASSERT_TRUE(p.scenario.has_value()) << p.error;
  EXPECT_EQ(p.locations.at("name").line, 2);
  EXPECT_EQ(p.locations.at("vm[0]").line, 3);
  EXPECT_EQ(p.locations.at("vm[0].name").line, 4);
  EXPECT_EQ(p.locations.at("vm[0].name").column, 3);
  EXPECT_EQ(find_location(p, "vm[0].pin_cores[1]")->line, 5);  // a [2, 3] list is one place
  // An unwritten field is found at its nearest written ancestor.
  EXPECT_EQ(find_location(p, "vm[0].nic.queues")->line, 3);
  EXPECT_FALSE(find_location(p, "seed").has_value());
}

TEST(ScenarioText, SyntaxErrorsCarryTheirPosition) {
  const ParsedText p = parse_scenario_text("run {\n  duration_ms: fast\n}\n");
  EXPECT_FALSE(p.scenario.has_value());
  EXPECT_EQ(p.error_at.line, 2);
  EXPECT_FALSE(p.error.empty());
}

TEST(ScenarioText, PrintingKeepsTheLeadingCommentsOrWritesTheHeader) {
  viosim::Scenario s;
  s.set_name("n");
  s.mutable_run()->set_duration_ms(5);
  const std::string previous = "# proto-file: x\n# what it shows\n\n\n\nname: \"old\"  # gone with the body\n";
  const std::string printed = print_scenario_text(s, previous);
  EXPECT_EQ(printed.rfind("# proto-file: x\n# what it shows\n\nname: \"n\"\nrun {\n  duration_ms: 5\n}\n", 0), 0u)
      << printed;
  EXPECT_EQ(print_scenario_text(s).rfind("# proto-file: scenarios/schema/viosim/scenario.proto\n"
                                         "# proto-message: viosim.Scenario\n\nname: \"n\"",
                                         0),
            0u);
  EXPECT_EQ(leading_comments("name: \"x\"\n# not leading\n"), "");
}

}  // namespace
}  // namespace viosim::gui
