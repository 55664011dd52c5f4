// Reads the schema's custom field options (unit, range, power of two,
// default_doc; see viosim/options.proto) and proto2 defaults from field
// descriptors, so range checks and the schema reference are generic.
#pragma once

#include <optional>
#include <string>

#include <google/protobuf/descriptor.h>

namespace viosim::schema {

using google::protobuf::FieldDescriptor;

// "ms", "cycles", ...; empty when the field has no unit.
std::string field_unit(const FieldDescriptor* field);
std::optional<double> field_min(const FieldDescriptor* field);
std::optional<double> field_max(const FieldDescriptor* field);
bool field_power_of_two(const FieldDescriptor* field);

// The default as a user would write it ("50", "VHOST_NET", "\"skylake-sp\"",
// "true"), or the `default_doc` text of a computed default; empty when the
// field has neither (messages, repeated fields, unset strings).
std::string field_default_text(const FieldDescriptor* field);

// True for int/uint/float/double fields.
bool is_numeric(const FieldDescriptor* field);

// "uint32", "double", "bool", "string", "enum viosim.Backend", "message viosim.Nic".
std::string field_type_name(const FieldDescriptor* field);

// Shortest text that reads back as the same double: 0.001, 100, 2.5e+10.
std::string format_number(double value);

// "0 to 10000 us", "at least 1", ""; the valid range as users read it.
std::string range_text(const FieldDescriptor* field);

}  // namespace viosim::schema
