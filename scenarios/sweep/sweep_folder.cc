// Folder checks, resume bookkeeping and the final tables.
#include "scenarios/sweep/sweep_folder.h"

#include <sstream>

#include <fstream>

#include <set>

#include "scenarios/loader/loader.h"
#include "scenarios/sweep/atomic_file.h"
#include "scenarios/sweep/csv_writer.h"
#include "scenarios/sweep/point_file.h"

namespace viosim::sweep {

namespace fs = std::filesystem;

fs::path points_dir(const fs::path& dir) { return dir / "points"; }

void prepare_sweep_folder(const fs::path& dir, bool resume, const viosim::Scenario& base,
                          const std::string& scenario_file) {
  std::error_code ec;
  if (fs::exists(dir) && !fs::is_directory(dir)) throw FolderError(dir.string() + " exists and is not a folder");
  if (!resume && fs::exists(dir) && !fs::is_empty(dir, ec)) {
    throw FolderError(dir.string() + " already exists and is not empty; add --resume to finish that sweep, or "
                                     "choose another -o folder");
  }
  const std::string text = scenarios::to_textproto(base);
  if (resume && fs::exists(dir / scenario_file)) {
    // The folder's points belong to the scenario it was made from: resuming
    // it with another (another file, --set or --backend) would mix them.
    std::ifstream in(dir / scenario_file, std::ios::binary);
    std::ostringstream was;
    was << in.rdbuf();
    if (was.str() != text) {
      std::istringstream a(was.str()), b(text);
      std::string line_a, line_b;
      int line = 0;
      while (true) {
        ++line;
        const bool more_a = static_cast<bool>(std::getline(a, line_a));
        const bool more_b = static_cast<bool>(std::getline(b, line_b));
        if (!more_a || !more_b || line_a != line_b) break;
      }
      throw FolderError(dir.string() +
                        " was made from a different scenario (or other --set / --backend options): "
                        "its " +
                        scenario_file + " line " + std::to_string(line) + " reads \"" + line_a +
                        "\" where this one has \"" + line_b +
                        "\"; resume with the same file and options, or "
                        "choose another -o folder");
    }
  }
  fs::create_directories(points_dir(dir), ec);
  if (ec) throw std::runtime_error("cannot create " + points_dir(dir).string() + ": " + ec.message());
  if (resume) remove_temporary_files(points_dir(dir));
  remove_temporary_files(dir);
  write_file_atomically(dir / scenario_file, text);
}

std::vector<size_t> missing_points(const SweepPlan& plan, const fs::path& dir) {
  std::vector<size_t> missing;
  std::set<std::string> seen;
  for (size_t i = 0; i < plan.points.size(); ++i) {
    if (!seen.insert(plan.points[i].id).second) continue;
    if (!read_point_file(points_dir(dir), plan.points[i].id)) missing.push_back(i);
  }
  return missing;
}

std::vector<size_t> shard_of(const std::vector<size_t>& points, int k, int n) {
  std::vector<size_t> out;
  for (size_t i : points) {
    if (i % static_cast<size_t>(n) == static_cast<size_t>(k - 1)) out.push_back(i);
  }
  return out;
}

std::vector<viosim::SweepPointResult> collect_points(const SweepPlan& plan, const fs::path& dir) {
  std::vector<viosim::SweepPointResult> records;
  records.reserve(plan.points.size());
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const auto file = read_point_file(points_dir(dir), plan.points[i].id);
    if (!file) {
      throw std::runtime_error("point " + std::to_string(i) + " has no result file " +
                               point_file_path(points_dir(dir), plan.points[i].id).string());
    }
    // Points that share an id (the same scenario) share a file; the record
    // still describes this point.
    viosim::SweepPointResult record = point_record(plan, i);
    record.set_latency_kind(file->latency_kind());
    if (file->has_result()) *record.mutable_result() = file->result();
    if (file->has_skipped_reason()) record.set_skipped_reason(file->skipped_reason());
    *record.mutable_warnings() = file->warnings();
    records.push_back(std::move(record));
  }
  return records;
}

void write_sweep_tables(const fs::path& dir, const SweepPlan& plan,
                        const std::vector<viosim::SweepPointResult>& records) {
  write_file_atomically(dir / "points.csv", points_csv(plan, records));
  write_file_atomically(dir / "aggregate.csv", aggregate_csv(plan, records));
}

}  // namespace viosim::sweep
