// The output folder of a sweep:
//   DIR/sweep.textproto   the resolved base scenario, sweep included
//   DIR/points/ID.json    one file per finished point (point_file.h)
//   DIR/points.csv        every point, in point order (csv_writer.h)
//   DIR/aggregate.csv     mean and 95 % interval per axis point and backend
// The CSV files are written last, from the point files alone, so a resumed
// sweep and an uninterrupted one produce the same bytes.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/sweep/points.h"

namespace viosim::sweep {

// A folder that cannot be used as asked (exists without --resume, is a
// file): the user's input is at fault.
class FolderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::filesystem::path points_dir(const std::filesystem::path& dir);

// Creates DIR and DIR/points. Without `resume`, an existing non-empty DIR is
// a FolderError; with it, temporaries of a killed sweep are removed, and a
// folder made from another scenario is a FolderError. Then writes the
// scenario as `scenario_file` (a plan's folder names it plan.textproto).
// Throws std::runtime_error on I/O failure.
void prepare_sweep_folder(const std::filesystem::path& dir, bool resume, const viosim::Scenario& base,
                          const std::string& scenario_file = "sweep.textproto");

// Indices of the points that have no valid point file yet. Points that share
// an id (the same resolved scenario twice) are run once: only the first is
// listed.
std::vector<size_t> missing_points(const SweepPlan& plan, const std::filesystem::path& dir);

// The K-th of N disjoint slices of `points` (1 <= k <= n): the points
// whose index i in the sweep has i % n == k - 1, so that N processes
// started with 1/N .. N/N cover every point once, whatever each finds
// already done.
std::vector<size_t> shard_of(const std::vector<size_t>& points, int k, int n);

// The records of every point, in point order; throws std::runtime_error
// naming the first point without a file.
std::vector<viosim::SweepPointResult> collect_points(const SweepPlan& plan, const std::filesystem::path& dir);

// Writes points.csv and aggregate.csv, each atomically.
void write_sweep_tables(const std::filesystem::path& dir, const SweepPlan& plan,
                        const std::vector<viosim::SweepPointResult>& records);

}  // namespace viosim::sweep
