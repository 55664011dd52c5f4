// Accessors for the custom field options. The generated extension
// identifiers (viosim::unit, ...) read options from the compiled-in pool,
// which is the pool every generated message uses.
#include "scenarios/schema/field_options.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "scenarios/schema/viosim/options.pb.h"

namespace viosim::schema {

std::string field_unit(const FieldDescriptor* field) {
  return field->options().GetExtension(viosim::unit);
}

std::optional<double> field_min(const FieldDescriptor* field) {
  if (!field->options().HasExtension(viosim::min)) return std::nullopt;
  return field->options().GetExtension(viosim::min);
}

std::optional<double> field_max(const FieldDescriptor* field) {
  if (!field->options().HasExtension(viosim::max)) return std::nullopt;
  return field->options().GetExtension(viosim::max);
}

bool field_power_of_two(const FieldDescriptor* field) {
  return field->options().GetExtension(viosim::power_of_two);
}

std::string format_number(double value) {
  char buffer[64];
  // Whole numbers as integers (100, not 1e+02), as users write them.
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
  }
  // %.17g always round-trips but prints 0.1 as 0.10000000000000001; take the
  // shortest precision that reads back exactly.
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

std::string field_default_text(const FieldDescriptor* field) {
  const std::string doc = field->options().GetExtension(viosim::default_doc);
  if (!doc.empty()) return doc;
  if (field->is_repeated() || !field->has_default_value()) return "";
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return std::to_string(field->default_value_int32());
    case FieldDescriptor::CPPTYPE_INT64: return std::to_string(field->default_value_int64());
    case FieldDescriptor::CPPTYPE_UINT32: return std::to_string(field->default_value_uint32());
    case FieldDescriptor::CPPTYPE_UINT64: return std::to_string(field->default_value_uint64());
    case FieldDescriptor::CPPTYPE_DOUBLE: return format_number(field->default_value_double());
    case FieldDescriptor::CPPTYPE_FLOAT: return format_number(field->default_value_float());
    case FieldDescriptor::CPPTYPE_BOOL: return field->default_value_bool() ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM: return field->default_value_enum()->name();
    case FieldDescriptor::CPPTYPE_STRING: return "\"" + field->default_value_string() + "\"";
    case FieldDescriptor::CPPTYPE_MESSAGE: return "";
  }
  return "";
}

bool is_numeric(const FieldDescriptor* field) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return true;
    default:
      return false;
  }
}

std::string field_type_name(const FieldDescriptor* field) {
  if (field->type() == FieldDescriptor::TYPE_ENUM) return "enum " + field->enum_type()->full_name();
  if (field->type() == FieldDescriptor::TYPE_MESSAGE) return "message " + field->message_type()->full_name();
  return field->type_name();
}

std::string range_text(const FieldDescriptor* field) {
  const auto lo = field_min(field);
  const auto hi = field_max(field);
  std::string unit = field_unit(field);
  if (!unit.empty()) unit = " " + unit;
  if (lo && hi) return format_number(*lo) + " to " + format_number(*hi) + unit;
  if (lo) return "at least " + format_number(*lo) + unit;
  if (hi) return "at most " + format_number(*hi) + unit;
  return "";
}

}  // namespace viosim::schema
