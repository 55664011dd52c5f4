// One error found in a scenario, where it is, and how it is shown:
//   file:line:col: error: message
//   <the source line>
//       ^
// Errors from the command line (`--set k=v`) have no line and read
// "--set k=v: error: message".
#pragma once

#include <string>
#include <vector>

namespace viosim::scenarios {

struct Diagnostic {
  std::string file;         // path as the user gave it, or "--set k=v"
  int line = 0;             // 1-based; 0 when the error has no position
  int column = 0;           // 1-based, in the parser's columns (tabs to multiples of 8)
  std::string source_line;  // text of `line`, shown with a caret under `column`
  std::string message;
  // The scenario field the error is about ("vm[0].pin_cores[1]", positions
  // as in the merged scenario), when it is about one; "" for syntax errors.
  // Not printed: a GUI uses it to mark the field in a form.
  std::string field_path;
  bool warning = false;  // printed as "warning:"; does not stop a run
  // Where the caret goes in `source_line` when that holds only a window of
  // a very long line; 0: at `column`.
  int source_column = 0;
};

// The diagnostic as shown to users, ending in a newline.
std::string format_diagnostic(const Diagnostic& diagnostic);
// The first kMaxShown diagnostics, then one line counting the rest: a file
// with thousands of errors reports in time linear in the errors shown.
inline constexpr size_t kMaxShown = 50;
std::string format_diagnostics(const std::vector<Diagnostic>& diagnostics);

// Orders by file (in order of first appearance), then line and column, and
// drops exact repeats, so output reads top to bottom like a compiler's.
void sort_diagnostics(std::vector<Diagnostic>& diagnostics);

}  // namespace viosim::scenarios
