// Validation errors name the field they are about (Diagnostic::field_path),
// so a form can mark it; syntax errors, which have no field yet, do not.
#include <gtest/gtest.h>

#include "scenarios/loader/loader.h"

namespace viosim::scenarios {
namespace {

TEST(DiagnosticFieldPath, ValidationErrorsNameTheirField) {
  const std::string text =
      "host { cores: 4 }\n"
      "vm { name: \"vm0\" vcpus: 2 pin_cores: [1, 9] }\n"
      "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n";
  const LoadResult r = load_scenario_text("form.textproto", text);
  ASSERT_FALSE(r.ok());
  bool found = false;
  for (const Diagnostic& d : r.diagnostics) {
    if (d.field_path != "vm[0].pin_cores[1]") continue;
    found = true;
    EXPECT_EQ(d.line, 2);
  }
  EXPECT_TRUE(found) << format_diagnostics(r.diagnostics);
}

TEST(DiagnosticFieldPath, SyntaxErrorsHaveNone) {
  const LoadResult r = load_scenario_text("form.textproto", "run { duration_ms: }\n");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].field_path, "");
  EXPECT_EQ(r.diagnostics[0].line, 1);
}

}  // namespace
}  // namespace viosim::scenarios
