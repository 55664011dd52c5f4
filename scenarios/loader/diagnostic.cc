// Formatting of diagnostics. The source line is printed so that it cannot
// upset a terminal (control bytes and invalid UTF-8 become '?'), with tabs
// expanded the way protobuf's tokenizer counts them, so the caret lands
// under the column the parser reported, and very long lines are cut to a
// window around the caret.
#include "scenarios/loader/diagnostic.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace viosim::scenarios {
namespace {

constexpr int kTabWidth = 8;      // protobuf's io::Tokenizer tab stops
constexpr size_t kWindow = 100;   // cells shown on each side of the caret of a long line

// Length of the UTF-8 sequence starting at `s[i]`, or 0 if invalid there.
size_t utf8_length(const std::string& s, size_t i) {
  const auto byte = static_cast<unsigned char>(s[i]);
  size_t length = 0;
  if (byte >= 0xc2 && byte <= 0xdf) length = 2;
  else if (byte >= 0xe0 && byte <= 0xef) length = 3;
  else if (byte >= 0xf0 && byte <= 0xf4) length = 4;
  else return 0;
  if (i + length > s.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return length;
}

// The line as display cells (one string per cell) and, for the caret, the
// cell where parser column `column0` (0-based) begins.
struct DisplayLine {
  std::vector<std::string> cells;
  size_t caret = 0;
};

DisplayLine layout(const std::string& line, int column0) {
  DisplayLine out;
  int parser_column = 0;
  bool caret_set = false;
  size_t i = 0;
  while (i < line.size()) {
    if (!caret_set && parser_column >= column0) {
      out.caret = out.cells.size();
      caret_set = true;
    }
    const auto byte = static_cast<unsigned char>(line[i]);
    if (byte == '\t') {
      const int next = parser_column + kTabWidth - parser_column % kTabWidth;
      for (; parser_column < next; ++parser_column) out.cells.emplace_back(" ");
      ++i;
    } else if (byte < 0x20 || byte == 0x7f) {
      out.cells.emplace_back("?");
      ++parser_column;
      ++i;
    } else if (byte < 0x80) {
      out.cells.emplace_back(1, line[i]);
      ++parser_column;
      ++i;
    } else if (const size_t length = utf8_length(line, i); length > 0) {
      out.cells.push_back(line.substr(i, length));
      parser_column += static_cast<int>(length);  // the tokenizer counts bytes
      i += length;
    } else {
      out.cells.emplace_back("?");
      ++parser_column;
      ++i;
    }
  }
  if (!caret_set) out.caret = out.cells.size() + static_cast<size_t>(std::max(0, column0 - parser_column));
  return out;
}

// Text from the input (a parser message may quote binary junk) made safe
// for a terminal.
std::string printable(const std::string& text) {
  std::string out;
  for (const std::string& cell : layout(text, 0).cells) out += cell;
  return out;
}

}  // namespace

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = printable(d.file);
  if (d.line > 0) out += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
  out += (d.warning ? ": warning: " : ": error: ") + printable(d.message) + "\n";
  if (d.line <= 0) return out;

  DisplayLine line = layout(d.source_line, std::max(0, (d.source_column > 0 ? d.source_column : d.column) - 1));
  // Drop trailing blanks: they carry nothing and tests would have to pin them.
  while (!line.cells.empty() && line.cells.back() == " ") line.cells.pop_back();
  size_t first = 0, last = line.cells.size();
  std::string prefix, suffix;
  if (line.cells.size() > 2 * kWindow) {
    first = line.caret > kWindow ? line.caret - kWindow : 0;
    last = std::min(line.cells.size(), line.caret + kWindow);
    if (first > 0) prefix = "...";
    if (last < line.cells.size()) suffix = "...";
  }
  out += prefix;
  for (size_t i = first; i < last; ++i) out += line.cells[i];
  out += suffix + "\n";
  out += std::string(prefix.size() + (line.caret - first), ' ') + "^\n";
  return out;
}

std::string format_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  const size_t shown = std::min(diagnostics.size(), kMaxShown);
  for (size_t i = 0; i < shown; ++i) out += format_diagnostic(diagnostics[i]);
  if (diagnostics.size() > shown) {
    const size_t rest = diagnostics.size() - shown;
    out += "... and " + std::to_string(rest) + " more " + (diagnostics[shown].warning ? "warning" : "error") +
           (rest == 1 ? "" : "s") + " not shown\n";
  }
  return out;
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  std::map<std::string, size_t> file_rank;
  for (const Diagnostic& d : diagnostics) file_rank.emplace(d.file, file_rank.size());
  auto key = [&](const Diagnostic& d) { return std::make_tuple(file_rank.at(d.file), d.line, d.column); };
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  auto same = [](const Diagnostic& a, const Diagnostic& b) {
    return a.file == b.file && a.line == b.line && a.column == b.column && a.message == b.message;
  };
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end(), same), diagnostics.end());
}

}  // namespace viosim::scenarios
