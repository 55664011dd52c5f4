// Phase one of loading: protobuf's text-format parser (syntax, unknown
// fields, types), with its first error turned into a Diagnostic that says
// what was meant where it can ("did you mean", the valid choices).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include "scenarios/loader/diagnostic.h"
#include "scenarios/loader/source_map.h"

namespace viosim::scenarios {

// Largest file accepted; a scenario is a page of text, not a data set.
inline constexpr size_t kMaxFileBytes = 4 * 1024 * 1024;

// Reads a file into `*text`; on failure returns why ("No such file or
// directory", "it is a directory", ...).
std::optional<std::string> read_file(const std::string& path, std::string* text);

// Parses `file->text` into `message` (whose type is what the file must hold)
// and records where every field was written into `tree`. Also checks that a
// `# proto-message:` header, if present, names that type. Returns false and
// appends one diagnostic on failure.
bool parse_text(const std::shared_ptr<const SourceFile>& file, google::protobuf::Message* message,
                google::protobuf::TextFormat::ParseInfoTree* tree, std::vector<Diagnostic>* diagnostics);

}  // namespace viosim::scenarios
