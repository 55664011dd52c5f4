// Who runs a point when several processes work on one folder (two
// `--resume`s, the shards of a Slurm job array): the one holding the
// point's lock, an flock(2) on DIR/points/ID.lock. The kernel drops the
// lock when its holder exits however it dies (kill -9 included), so a
// stale lock file never blocks; NFS emulates flock with byte-range locks
// that every client sees (a lock file removed under a waiter on another
// client, ESTALE, is opened again). Whoever takes a lock checks for the point file
// before running, since another process may have finished it meanwhile;
// the holder writes the point file before unlocking and removing the lock
// file, so that check is always conclusive.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

namespace viosim::sweep {

class PointLock {
 public:
  // The lock if no other process holds it; nothing if one does. Throws
  // std::runtime_error when the lock file cannot be opened.
  static std::optional<PointLock> try_take(const std::filesystem::path& points_dir, const std::string& id);
  // Waits for the lock; once `cancel` (may be null) is set, gives up with
  // models::Cancelled.
  static PointLock take(const std::filesystem::path& points_dir, const std::string& id,
                        const std::atomic<bool>* cancel = nullptr);

  PointLock(PointLock&& other) noexcept;
  PointLock& operator=(PointLock&&) = delete;
  PointLock(const PointLock&) = delete;
  // The point file is written (by this process or another): the lock file
  // may go with the lock.
  void finished() { finished_ = true; }
  // Unlocks; removes the lock file first when finished() was called (a
  // process waiting on it then finds the point file; had the run failed,
  // the file stays, so that two waiters cannot lock two different files).
  ~PointLock();

 private:
  PointLock(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
  bool finished_ = false;
};

}  // namespace viosim::sweep
