// register_builtin_models: every model type once, and every spec
// self-consistent (unique names, units on statistics, help everywhere).
#include "models/register_builtin_models.h"

#include <gtest/gtest.h>

#include <set>

namespace viosim::models {
namespace {

TEST(Registry, EveryModelOnceWithAConsistentSpec) {
  core::ModelRegistry registry;
  register_builtin_models(registry);
  ASSERT_FALSE(registry.models().empty());
  std::set<std::string> types;
  for (const core::ComponentSpec* spec : registry.models()) {
    EXPECT_TRUE(types.insert(spec->type).second) << spec->type;
    EXPECT_FALSE(spec->help.empty()) << spec->type;
    std::set<std::string> names;
    for (const auto& p : spec->params) {
      EXPECT_TRUE(names.insert("param " + p.name).second) << spec->type << " " << p.name;
      EXPECT_FALSE(p.help.empty()) << spec->type << " " << p.name;
    }
    for (const auto& p : spec->ports) EXPECT_TRUE(names.insert("port " + p.name).second) << p.name;
    for (const auto& s : spec->stats) {
      EXPECT_TRUE(names.insert("stat " + s.name).second) << s.name;
      EXPECT_NE(s.unit, core::Unit::kNone) << spec->type << " " << s.name;
    }
  }
  EXPECT_NE(registry.find("synthetic.phold"), nullptr);
  EXPECT_EQ(registry.find("no.such.model"), nullptr);
  EXPECT_THROW(register_builtin_models(registry), std::logic_error);  // twice
}

}  // namespace
}  // namespace viosim::models
