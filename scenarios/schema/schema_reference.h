// The reference of every scenario field (`viosim schema`), generated from the
// descriptors and their comments, never written by hand.
#pragma once

#include <string>

#include <google/protobuf/descriptor.h>

namespace viosim::schema {

// Every field reachable from `root`, depth first in declaration order, one
// block per field: its path (repeated messages as "vm[]"), type, unit,
// default, valid range, choices of an enum, and its help text.
std::string schema_reference(const google::protobuf::Descriptor* root);

}  // namespace viosim::schema
