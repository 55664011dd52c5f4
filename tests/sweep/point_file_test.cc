// Point files: written whole or not at all, read back exactly, and the
// temporaries of a killed writer cleaned up.
#include "scenarios/sweep/point_file.h"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "scenarios/sweep/atomic_file.h"

namespace viosim::sweep {
namespace {

namespace fs = std::filesystem;

class PointFile : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("viosim_point_file_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(PointFile, RoundTripsExactly) {
  viosim::SweepPointResult record;
  record.set_point_id("0123456789abcdef0123456789abcdef");
  record.set_backend("VHOST_NET");
  record.set_seed(0xe220a8397b1dcdafull);  // above 2^53: must not go through a double
  record.mutable_result()->set_throughput_pps(1.0 / 3.0);
  record.mutable_result()->mutable_latency_us()->set_p99(123.456789012345678);
  write_point_file(dir_, record);
  const auto back = read_point_file(dir_, record.point_id());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->SerializeAsString(), record.SerializeAsString());
  EXPECT_FALSE(read_point_file(dir_, "ffffffffffffffffffffffffffffffff"));
}

TEST_F(PointFile, AFileUnderAnotherIdOrCorruptIsNotAResult) {
  std::ofstream(dir_ / "00000000000000000000000000000000.json") << "{\"point_id\": \"1111\"}";
  EXPECT_FALSE(read_point_file(dir_, "00000000000000000000000000000000"));
  std::ofstream(dir_ / "22222222222222222222222222222222.json") << "{\"point_id\": ";
  EXPECT_FALSE(read_point_file(dir_, "22222222222222222222222222222222"));
}

TEST_F(PointFile, LeavesNoTemporaryAndCleansUpOldOnes) {
  write_file_atomically(dir_ / "a.csv", "x\n");
  const fs::path old_one = dir_ / (std::string(kTemporaryPrefix) + "b.json-1-0");
  const fs::path young_one = dir_ / (std::string(kTemporaryPrefix) + "c.json-2-0");
  std::ofstream(old_one) << "half a fi";
  std::ofstream(young_one) << "being writ";
  fs::last_write_time(old_one, fs::file_time_type::clock::now() - std::chrono::minutes(5));
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 3);
  // Only the orphan goes: a temporary written a moment ago may be another
  // process's write in progress.
  EXPECT_EQ(remove_temporary_files(dir_), 1);
  EXPECT_FALSE(fs::exists(old_one));
  EXPECT_TRUE(fs::exists(young_one));
  EXPECT_TRUE(fs::exists(dir_ / "a.csv"));
}

}  // namespace
}  // namespace viosim::sweep
