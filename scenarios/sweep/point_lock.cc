#include "scenarios/sweep/point_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace viosim::sweep {
namespace {

int open_lock(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  return fd;
}

std::filesystem::path lock_path(const std::filesystem::path& points_dir, const std::string& id) {
  return points_dir / (id + ".lock");
}

}  // namespace

std::optional<PointLock> PointLock::try_take(const std::filesystem::path& points_dir, const std::string& id) {
  const std::filesystem::path path = lock_path(points_dir, id);
  const int fd = open_lock(path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) return std::nullopt;
    throw std::runtime_error("cannot lock " + path.string() + ": " + std::strerror(error));
  }
  return PointLock(path, fd);
}

PointLock PointLock::take(const std::filesystem::path& points_dir, const std::string& id) {
  const std::filesystem::path path = lock_path(points_dir, id);
  const int fd = open_lock(path);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int error = errno;
    ::close(fd);
    throw std::runtime_error("cannot lock " + path.string() + ": " + std::strerror(error));
  }
  return PointLock(path, fd);
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
