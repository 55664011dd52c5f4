// Writing a file so that it is either complete or absent: the text goes to
// a temporary sibling (a dot name with the process id and a counter, so
// concurrent writers never share one), is flushed to disk, and the
// temporary is renamed over the target.
#pragma once

#include <filesystem>
#include <string>

namespace viosim::sweep {

// Every temporary name starts with this, for clean-up after a crash.
inline constexpr char kTemporaryPrefix[] = ".tmp-";

// Throws std::runtime_error naming the file on failure; leaves no temporary.
void write_file_atomically(const std::filesystem::path& target, const std::string& text);

// Removes the temporaries a killed writer left in `dir`; returns how many.
int remove_temporary_files(const std::filesystem::path& dir);

}  // namespace viosim::sweep
