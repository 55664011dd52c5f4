// The help text of schema elements: their leading comments in the .proto
// files. The compiled-in descriptors carry no comments, so the build embeds a
// descriptor set made with --include_source_info, and this looks the same
// element up there by its full name.
#pragma once

#include <string>

#include <google/protobuf/descriptor.h>

namespace viosim::schema {

// Leading comment without comment markers, lines joined with '\n' and
// trimmed; empty when there is none.
std::string help_of(const google::protobuf::FieldDescriptor* field);
std::string help_of(const google::protobuf::Descriptor* message);
std::string help_of(const google::protobuf::EnumValueDescriptor* value);
std::string help_of(const google::protobuf::OneofDescriptor* oneof);

}  // namespace viosim::schema
