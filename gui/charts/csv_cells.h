// Reading the tables viosim writes (aggregate.csv, search.csv): one row's
// cells, a number from a cell, a field path's last part for a legend.
#pragma once

#include <string>
#include <vector>

namespace viosim::charts {

// One CSV row (RFC 4180): a cell in double quotes may hold commas (a list
// axis value, "[1, 2]"), a doubled quote inside stands for one.
std::vector<std::string> split_csv_row(const std::string& line);

// The last part of a field path, as a legend has room for: "queues" for
// "vm[vm0].nic.queues".
std::string short_name(const std::string& path);

// The cell as a number; `fallback` when it is empty or not one.
double cell_number(const std::string& cell, double fallback);

}  // namespace viosim::charts
