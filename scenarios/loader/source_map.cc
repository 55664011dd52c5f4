// Path bookkeeping for SourceMap.
#include "scenarios/loader/source_map.h"

#include <algorithm>

namespace viosim::scenarios {

std::string SourceFile::line(int line1) const {
  if (line1 <= 0) return "";
  size_t start = 0;
  for (int i = 1; i < line1; ++i) {
    start = text.find('\n', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  const size_t end = text.find('\n', start);
  std::string out = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return out;
}

Diagnostic Location::diagnose(std::string message) const {
  Diagnostic d;
  d.file = file ? file->display_path : origin;
  if (file && line > 0) {
    d.line = line;
    d.column = column;
    d.source_line = file->line(line);
    // A very long line (thousands of fields on one line) is kept only
    // around the column, so that N diagnostics on it cost O(N), not
    // O(N x line length), in memory and in printing.
    constexpr size_t kKeep = 1024;
    if (d.source_line.size() > 4 * kKeep && column > 0) {
      const size_t at = std::min(d.source_line.size(), static_cast<size_t>(column - 1));
      const size_t from = at > kKeep ? at - kKeep : 0;
      d.source_line = d.source_line.substr(from, 2 * kKeep);
      d.source_column = column - static_cast<int>(from);
    }
  }
  d.message = std::move(message);
  return d;
}

std::string parent_path(const std::string& path) {
  if (path.empty()) return "";
  if (path.back() == ']') {
    const size_t open = path.rfind('[');
    return open == std::string::npos ? "" : path.substr(0, open);
  }
  const size_t dot = path.rfind('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}

void SourceMap::record(const std::string& path, Location location) {
  locations_[path] = std::move(location);
}

void SourceMap::erase_subtree(const std::string& path) {
  auto it = locations_.lower_bound(path);
  while (it != locations_.end() && it->first.compare(0, path.size(), path) == 0) {
    const std::string& key = it->first;
    const bool below = key.size() == path.size() || key[path.size()] == '.' || key[path.size()] == '[';
    it = below ? locations_.erase(it) : std::next(it);
  }
}

const Location& SourceMap::find(const std::string& path) const {
  std::string current = path;
  while (!current.empty()) {
    if (auto it = locations_.find(current); it != locations_.end()) return it->second;
    current = parent_path(current);
  }
  return root_;
}

}  // namespace viosim::scenarios
