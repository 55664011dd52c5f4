// A sweep over two axes (a density matrix: chains x VNFs per chain) as a
// heatmap per backend: the first axis down, the second across, each cell
// shaded by the mean rate delivered there (darker is more) and labelled
// with it in Mpps; and the same figures as one CSV matrix.
#pragma once

#include <QtCharts/QChart>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace viosim::charts {

struct SweepMatrix {
  std::string row_axis, column_axis;       // the swept fields' paths
  std::vector<std::string> rows, columns;  // their values as written, in ascending order
  struct Backend {
    std::string name;
    std::vector<std::vector<std::optional<double>>> pps;  // [row][column]: throughput_pps_mean; empty: no run there
    // [row][column]: the cell is a lower bound (a plan's answer at the most
    // it tried), labelled ">= value"; empty: none is.
    std::vector<std::vector<bool>> at_least;
  };
  std::vector<Backend> backends;  // in order of first appearance
  // What the cells hold, as the title names it, and how a cell is labelled:
  // value x scale with `decimals` digits.
  std::string quantity = "Delivered rate (Mpps)";
  double scale = 1e-6;
  int decimals = 2;
};

// Reads a sweep's aggregate.csv; std::nullopt unless it sweeps exactly two
// axes. Throws std::runtime_error naming the file for a missing column.
std::optional<SweepMatrix> read_sweep_matrix(const std::string& aggregate_csv);

std::unique_ptr<QChart> sweep_heatmap_chart(const SweepMatrix& matrix, size_t backend);

// Writes heatmap_<BACKEND>.png and .svg per backend and
// throughput_matrix.csv into `dir`; returns the files.
std::vector<std::string> write_sweep_heatmaps(const SweepMatrix& matrix, const std::string& dir, int width, int height);

}  // namespace viosim::charts
