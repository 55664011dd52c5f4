#include "scenarios/sweep/point_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "models/paths/cancelled.h"

namespace viosim::sweep {
namespace {

// The lock file's descriptor, or -1 with errno ESTALE (the file went
// under us on NFS: open it again). Throws on other failures.
int open_lock(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && errno != ESTALE) {
    throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  return fd;
}

std::filesystem::path lock_path(const std::filesystem::path& points_dir, const std::string& id) {
  return points_dir / (id + ".lock");
}

}  // namespace

std::optional<PointLock> PointLock::try_take(const std::filesystem::path& points_dir, const std::string& id) {
  const std::filesystem::path path = lock_path(points_dir, id);
  for (int attempt = 0;; ++attempt) {
    const int fd = open_lock(path);
    if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) return PointLock(path, fd);
    const int error = errno;
    if (fd >= 0) ::close(fd);
    if (error == EWOULDBLOCK || error == EINTR) return std::nullopt;
    // The file went while we held it open (its runner finished): open the
    // name again.
    if (error == ESTALE && attempt < 8) continue;
    throw std::runtime_error("cannot lock " + path.string() + ": " + std::strerror(error));
  }
}

PointLock PointLock::take(const std::filesystem::path& points_dir, const std::string& id,
                          const std::atomic<bool>* cancel) {
  // Polled rather than blocking, so that Ctrl-C stops a wait for another
  // process's point within moments.
  for (auto pause = std::chrono::milliseconds(1);; pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
    if (auto lock = try_take(points_dir, id)) return std::move(*lock);
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) throw models::Cancelled();
    std::this_thread::sleep_for(pause);
  }
}

PointLock::PointLock(PointLock&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), finished_(other.finished_) {
  other.fd_ = -1;
}

PointLock::~PointLock() {
  if (fd_ < 0) return;
  if (finished_) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  ::close(fd_);
}

}  // namespace viosim::sweep
