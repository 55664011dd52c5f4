// Point files as protobuf JSON: doubles are printed so that they read back
// exactly, so statistics computed from the files equal those computed from
// the runs.
#include "scenarios/sweep/point_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <google/protobuf/util/json_util.h>

#include "scenarios/sweep/atomic_file.h"

namespace viosim::sweep {

namespace fs = std::filesystem;

fs::path point_file_path(const fs::path& points_dir, const std::string& id) { return points_dir / (id + ".json"); }

std::string point_json(const viosim::SweepPointResult& record) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(record, &json, options).ok()) {
    throw std::runtime_error("cannot encode point " + record.point_id() + " as JSON");
  }
  return json;
}

void write_point_file(const fs::path& points_dir, const viosim::SweepPointResult& record) {
  write_file_atomically(point_file_path(points_dir, record.point_id()), point_json(record));
}

std::optional<viosim::SweepPointResult> read_point_file(const fs::path& points_dir, const std::string& id) {
  std::ifstream in(point_file_path(points_dir, id), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  viosim::SweepPointResult record;
  if (!google::protobuf::util::JsonStringToMessage(text.str(), &record).ok()) return std::nullopt;
  if (record.point_id() != id) return std::nullopt;
  return record;
}

}  // namespace viosim::sweep
