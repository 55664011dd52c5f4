// write(), fsync() and rename(): the data is on disk before the name is,
// so even after a power cut a target is never empty or truncated.
#include "scenarios/sweep/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace viosim::sweep {
namespace {

namespace fs = std::filesystem;

std::atomic<uint64_t> temp_counter{0};

void write_all(int fd, const std::string& text, const fs::path& path) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
}

}  // namespace

void write_file_atomically(const fs::path& target, const std::string& text) {
  const fs::path temp = target.parent_path() / (kTemporaryPrefix + target.filename().string() + "-" +
                                                std::to_string(::getpid()) + "-" +
                                                std::to_string(temp_counter.fetch_add(1)));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + temp.string() + ": " + std::strerror(errno));
  try {
    write_all(fd, text, temp);
    if (::fsync(fd) != 0) throw std::runtime_error("cannot flush " + temp.string() + ": " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    throw std::runtime_error("cannot rename " + temp.string() + " to " + target.string() + ": " + std::strerror(error));
  }
}

int remove_temporary_files(const fs::path& dir, fs::file_time_type::duration min_age) {
  int removed = 0;
  std::error_code ec;
  const fs::file_time_type now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().rfind(kTemporaryPrefix, 0) != 0) continue;
    const fs::file_time_type written = fs::last_write_time(entry.path(), ec);
    if (ec || now - written < min_age) continue;
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace viosim::sweep
