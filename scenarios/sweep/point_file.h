// Point files: DIR/points/<point-id>.json, one per finished point, written
// atomically (atomic_file.h) the moment the point finishes, so a point file
// is either complete or absent whatever kills the sweep.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "scenarios/schema/viosim/results.pb.h"

namespace viosim::sweep {

std::filesystem::path point_file_path(const std::filesystem::path& points_dir, const std::string& id);

// The record as JSON (the proto's JSON form, field names as in the proto).
std::string point_json(const viosim::SweepPointResult& record);

// Throws std::runtime_error naming the file on failure.
void write_point_file(const std::filesystem::path& points_dir, const viosim::SweepPointResult& record);

// The record in the point file of `id`, or nothing if it is absent or does
// not parse (then the point simply runs again).
std::optional<viosim::SweepPointResult> read_point_file(const std::filesystem::path& points_dir,
                                                        const std::string& id);

}  // namespace viosim::sweep
