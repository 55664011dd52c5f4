// Generic checks driven by the schema's field options: every set numeric
// field is finite and inside its (viosim.min, viosim.max) range, and a power
// of two where the schema says so. No rule here names a field.
#pragma once

#include <optional>
#include <string>

#include <google/protobuf/message.h>

#include "scenarios/loader/issue.h"

namespace viosim::scenarios {

// Checks every set field of `message` and below; `path` is its own path.
void check_ranges(const google::protobuf::Message& message, const std::string& path, Issues* issues);

// The complaint about `value` for `field` at `path`, or nothing if valid.
std::optional<std::string> range_problem(const google::protobuf::FieldDescriptor* field, double value,
                                         const std::string& path);

}  // namespace viosim::scenarios
