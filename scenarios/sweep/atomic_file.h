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

// Removes the temporaries a killed writer left in `dir`, those last
// written at least `min_age` ago; returns how many. A live writer renames
// its temporary within moments of creating it, so a minute-old one is
// orphaned, while a younger one may belong to another process working on
// the same folder (a second --resume, a shard).
int remove_temporary_files(const std::filesystem::path& dir,
                           std::filesystem::file_time_type::duration min_age = std::chrono::seconds(60));

}  // namespace viosim::sweep
