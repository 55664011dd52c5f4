// Layering of scenario files: a file extends its `base`, and --set
// overrides the result. Set scalars replace, sub-messages merge field by
// field, a set repeated field replaces the whole list. Every field taken
// from a layer records its origin in the SourceMap.
#pragma once

#include <memory>
#include <string>

#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include "scenarios/loader/source_map.h"

namespace viosim::scenarios {

// Layers `source` (parsed from `file`, locations in `tree`) over `target`,
// both of one type; `path` is their path in the scenario ("" at the root).
void layer_message(const google::protobuf::Message& source, const google::protobuf::TextFormat::ParseInfoTree* tree,
                   const std::shared_ptr<const SourceFile>& file, google::protobuf::Message* target,
                   const std::string& path, SourceMap* map);

}  // namespace viosim::scenarios
