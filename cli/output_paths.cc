// Output path checks: see output_paths.h.
#include "cli/output_paths.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace viosim::cli {
namespace {

namespace fs = std::filesystem;

// The folder a new entry at `path` would be created in, which must exist
// and be writable (the nearest existing ancestor, since folders on the way
// are created).
std::optional<std::string> parent_problem(const fs::path& path) {
  fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  while (!fs::exists(parent, ec)) {
    // "runs/x" -> "runs" -> "." (a relative path ends in the working folder).
    if (!parent.has_parent_path() || parent == parent.parent_path()) {
      parent = parent.is_absolute() ? parent.root_path() : fs::path(".");
      break;
    }
    parent = parent.parent_path();
  }
  if (!fs::exists(parent, ec)) return parent.string() + " does not exist";
  if (!fs::is_directory(parent, ec)) return parent.string() + " is not a folder";
  if (::access(parent.c_str(), W_OK | X_OK) != 0) return "cannot write in " + parent.string() + " (permission denied)";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> output_dir_problem(const std::string& dir, bool force) {
  const fs::path path(dir);
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (!fs::is_directory(path, ec)) return dir + " exists and is not a folder";
    if (!fs::is_empty(path, ec) && !force) return dir + " is not empty; choose another folder, or --force to replace it";
    if (::access(path.c_str(), W_OK | X_OK) != 0) return "cannot write in " + dir + " (permission denied)";
  }
  return parent_problem(path);
}

std::optional<std::string> output_file_problem(const std::string& file) {
  const fs::path path(file);
  std::error_code ec;
  if (fs::is_directory(path, ec)) return file + " is a folder";
  if (fs::exists(path, ec) && ::access(path.c_str(), W_OK) != 0) return "cannot write " + file + " (permission denied)";
  return parent_problem(path);
}

}  // namespace viosim::cli
