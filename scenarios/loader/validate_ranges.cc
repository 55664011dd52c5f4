// Walks set fields by reflection and compares them with the schema options.
#include "scenarios/loader/validate_ranges.h"

#include <cmath>
#include <vector>

#include "scenarios/loader/field_path.h"
#include "scenarios/schema/field_options.h"

namespace viosim::scenarios {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::optional<std::string> range_problem(const FieldDescriptor* field, double value, const std::string& path) {
  const std::string shown = schema::format_number(value);
  if (!std::isfinite(value)) return path + " is " + shown + ", but must be a finite number";
  const auto lo = schema::field_min(field);
  const auto hi = schema::field_max(field);
  if ((lo && value < *lo) || (hi && value > *hi)) {
    std::string unit = schema::field_unit(field);
    return path + " is " + shown + (unit.empty() ? "" : " " + unit) + ", outside its valid range " +
           schema::range_text(field);
  }
  if (schema::field_power_of_two(field)) {
    const auto v = static_cast<uint64_t>(value);
    if (v == 0 || (v & (v - 1)) != 0) {
      uint64_t below = 1;
      while (below * 2 <= v) below *= 2;
      return path + " is " + shown + ", but must be a power of two (e.g. " + std::to_string(below) + " or " +
             std::to_string(below * 2) + ")";
    }
  }
  return std::nullopt;
}

void check_ranges(const Message& message, const std::string& path, Issues* issues) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string field_path = path.empty() ? field->name() : path + "." + field->name();
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          check_ranges(reflection->GetRepeatedMessage(message, field, i), field_path + "[" + std::to_string(i) + "]",
                       issues);
        }
      } else {
        check_ranges(reflection->GetMessage(message, field), field_path, issues);
      }
      continue;
    }
    if (!schema::is_numeric(field)) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        const std::string element = field_path + "[" + std::to_string(i) + "]";
        if (auto problem = range_problem(field, *numeric_value(message, field, i), element)) {
          issues->push_back({element, *problem});
        }
      }
    } else if (auto problem = range_problem(field, *numeric_value(message, field, -1), field_path)) {
      issues->push_back({field_path, *problem});
    }
  }
}

}  // namespace viosim::scenarios
