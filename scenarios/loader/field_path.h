// Field paths name one field of a scenario from the command line
// (`--set vm[0].nic.queues=4`) and in sweep axes. A repeated message is
// indexed by position or by its `name` field: "host.nic[nic0].queues".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

namespace viosim::scenarios {

struct ResolvedField {
  google::protobuf::Message* parent = nullptr;            // message holding the field
  const google::protobuf::FieldDescriptor* field = nullptr;
  int index = -1;    // element of a repeated field, or -1 for the whole field
  std::string path;  // canonical, positions only: "host.nic[0].queues"
};

// Walks `path` from `root`. With `create`, absent sub-messages are created
// (but never a oneof member while another member is set). On failure
// returns nothing and sets `*error` to a sentence for users.
std::optional<ResolvedField> resolve_path(google::protobuf::Message* root, std::string_view path, bool create,
                                          std::string* error);

// Sets the field to `text`, written as in a scenario file: 4, 2.5, true,
// VHOST_NET, "name" (quotes optional). A whole repeated scalar takes a list,
// "2,3" or "[2, 3]", which replaces it. Type errors go to `*error`;
// ranges are the validator's business.
bool set_from_text(const ResolvedField& target, std::string_view text, std::string* error);

// The field's value as a number (enums by their number, bools as 0/1);
// nothing for strings and messages.
std::optional<double> numeric_value(const google::protobuf::Message& parent,
                                    const google::protobuf::FieldDescriptor* field, int index);

}  // namespace viosim::scenarios
