// The schema documents itself: every field has help, a unit matching its
// name's suffix, a range, and a default inside that range; the reference
// printed by `viosim schema` covers every field.
#include <set>

#include <gtest/gtest.h>

#include "scenarios/loader/validate_ranges.h"
#include "scenarios/schema/field_options.h"
#include "scenarios/schema/schema_docs.h"
#include "scenarios/schema/schema_reference.h"
#include "scenarios/schema/viosim/host.pb.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::schema {
namespace {

using google::protobuf::Descriptor;

std::vector<const FieldDescriptor*> all_fields() {
  std::vector<const FieldDescriptor*> out;
  std::set<const Descriptor*> seen;
  std::vector<const Descriptor*> todo{viosim::Scenario::descriptor(), viosim::HostProfile::descriptor()};
  while (!todo.empty()) {
    const Descriptor* type = todo.back();
    todo.pop_back();
    if (!seen.insert(type).second) continue;
    for (int i = 0; i < type->field_count(); ++i) {
      out.push_back(type->field(i));
      if (type->field(i)->message_type()) todo.push_back(type->field(i)->message_type());
    }
  }
  return out;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(Schema, EveryFieldAndEnumValueHasHelp) {
  for (const FieldDescriptor* field : all_fields()) {
    EXPECT_FALSE(help_of(field).empty()) << field->full_name() << " needs a leading comment";
    if (field->enum_type()) {
      for (int i = 0; i < field->enum_type()->value_count(); ++i) {
        EXPECT_FALSE(help_of(field->enum_type()->value(i)).empty()) << field->enum_type()->value(i)->full_name();
      }
    }
  }
}

TEST(Schema, UnitsMatchNameSuffixes) {
  const std::vector<std::pair<std::string, std::string>> kSuffixes = {
      {"_ms", "ms"},      {"_us", "us"},       {"_usecs", "us"},    {"_ns", "ns"},     {"_cycles", "cycles"},
      {"_gbps", "Gb/s"},  {"_mbps", "Mb/s"},   {"_ghz", "GHz"},     {"_bytes", "B"},   {"_pps", "pkt/s"},
      {"_gb_per_s", "GB/s"}};
  for (const FieldDescriptor* field : all_fields()) {
    for (const auto& [suffix, unit] : kSuffixes) {
      if (ends_with(field->name(), suffix)) {
        EXPECT_EQ(field_unit(field), unit) << field->full_name();
      }
    }
    if (!field_unit(field).empty()) {
      EXPECT_TRUE(is_numeric(field)) << field->full_name();
    }
  }
}

TEST(Schema, NumericFieldsHaveRangesAndDefaultsInside) {
  // Values of any size are meaningful for these.
  const std::set<std::string> kUnbounded = {"viosim.Scenario.seed", "viosim.AxisRange.from", "viosim.AxisRange.to"};
  for (const FieldDescriptor* field : all_fields()) {
    if (!is_numeric(field) || kUnbounded.count(field->full_name())) continue;
    EXPECT_TRUE(field_min(field) && field_max(field)) << field->full_name() << " needs (viosim.min) and (viosim.max)";
    if (field->has_default_value()) {
      double value = 0;
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_UINT32: value = field->default_value_uint32(); break;
        case FieldDescriptor::CPPTYPE_UINT64: value = static_cast<double>(field->default_value_uint64()); break;
        case FieldDescriptor::CPPTYPE_DOUBLE: value = field->default_value_double(); break;
        default: ADD_FAILURE() << "extend this test for " << field->type_name();
      }
      EXPECT_FALSE(scenarios::range_problem(field, value, field->full_name())) << field->full_name();
    }
  }
}

TEST(Schema, ReferenceListsEveryScenarioField) {
  const std::string reference = schema_reference(viosim::Scenario::descriptor());
  for (const char* path : {"run.duration_ms\n", "host.costs.exit_entry_cycles\n", "host.nic[].coalescing.rx_usecs\n",
                           "vm[].nic.backend\n", "traffic.flow[].open_loop.frame_mix.entry[].weight\n",
                           "sweep.axis[].range.step\n"}) {
    EXPECT_NE(reference.find(path), std::string::npos) << path;
  }
  EXPECT_NE(
      reference.find("    type: uint32   unit: us   default: the driver's: 50 (ixgbe, i40e, ice), 3 (mlx5)   range: 0 "
                     "to 10000 us\n"),
      std::string::npos);
  EXPECT_NE(reference.find("      VHOST_NET         virtio-net served by a vhost-net kernel worker per queue pair.\n"),
            std::string::npos);
}

}  // namespace
}  // namespace viosim::schema
