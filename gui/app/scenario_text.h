// A scenario file's own message and its text, both ways: the text parsed as
// written (no base chain, no defaults: what the form edits) with where each
// field sits in it, and the message printed back under the file's leading
// comment block. Loading and validating stay the loader's business
// (scenarios/loader/loader.h); this is only the editor's view of one file.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::gui {

// 1-based, in the parser's columns.
struct TextLocation {
  int line = 0;
  int column = 0;
};

struct ParsedText {
  std::optional<viosim::Scenario> scenario;  // set when the text parses
  std::string error;                         // the parser's first error otherwise
  TextLocation error_at;
  // Where each field written in the text starts, by field path as the
  // validator names them: "run.duration_ms", "vm[0].pin_cores[1]".
  std::map<std::string, TextLocation> locations;
};

ParsedText parse_scenario_text(const std::string& text);

// The comment lines (and blank lines) the text opens with, "" if none.
std::string leading_comments(const std::string& text);

// `scenario` in protobuf text format, under `previous_text`'s leading
// comments, or under the proto-file / proto-message header lines when it
// has none. Comments inside the body of `previous_text` are not kept.
std::string print_scenario_text(const viosim::Scenario& scenario, const std::string& previous_text = "");

// The location of `path` or of its nearest ancestor written in the text.
std::optional<TextLocation> find_location(const ParsedText& parsed, std::string path);

}  // namespace viosim::gui
