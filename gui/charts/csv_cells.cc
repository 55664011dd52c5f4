// CSV cells of viosim's own tables.
#include "gui/charts/csv_cells.h"

namespace viosim::charts {

std::vector<std::string> split_csv_row(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

std::string short_name(const std::string& path) {
  const size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

double cell_number(const std::string& cell, double fallback) {
  if (cell.empty()) return fallback;
  try {
    return std::stod(cell);
  } catch (...) {
    return fallback;
  }
}

}  // namespace viosim::charts
