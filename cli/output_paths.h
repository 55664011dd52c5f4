// Checks of the paths a command will write, made before anything runs, so
// that a long run never ends in "cannot write": a results folder may be new
// or an empty folder (or, with --force, a folder to replace); a file's
// folder must exist and be writable. Each returns why not, or nothing.
#pragma once

#include <optional>
#include <string>

namespace viosim::cli {

std::optional<std::string> output_dir_problem(const std::string& dir, bool force);
std::optional<std::string> output_file_problem(const std::string& file);

}  // namespace viosim::cli
