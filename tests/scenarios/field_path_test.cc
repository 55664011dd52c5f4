// Field paths as --set and sweeps use them.
#include <gtest/gtest.h>

#include "scenarios/loader/field_path.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::scenarios {
namespace {

viosim::Scenario two_vms() {
  viosim::Scenario s;
  s.add_vm()->set_name("a");
  s.add_vm()->set_name("b");
  return s;
}

TEST(FieldPath, SelectsRepeatedMessagesByPositionOrName) {
  viosim::Scenario s = two_vms();
  std::string error;
  auto by_name = resolve_path(&s, "vm[b].nic.queues", true, &error);
  ASSERT_TRUE(by_name) << error;
  EXPECT_EQ(by_name->path, "vm[1].nic.queues");
  ASSERT_TRUE(set_from_text(*by_name, "4", &error)) << error;
  EXPECT_EQ(s.vm(1).nic().queues(), 4u);
  auto quoted = resolve_path(&s, "vm[\"a\"].vcpus", true, &error);
  ASSERT_TRUE(quoted) << error;
  EXPECT_EQ(quoted->path, "vm[0].vcpus");
}

TEST(FieldPath, ExplainsWhatIsWrong) {
  viosim::Scenario s = two_vms();
  std::string error;
  EXPECT_FALSE(resolve_path(&s, "vm[2].vcpus", true, &error));
  EXPECT_EQ(error, "vm[2] does not exist: there are 2 vm");
  EXPECT_FALSE(resolve_path(&s, "vm[c].vcpus", true, &error));
  EXPECT_EQ(error, "there is no vm named \"c\"; did you mean \"a\"?");
  EXPECT_FALSE(resolve_path(&s, "vm.vcpus", true, &error));
  EXPECT_EQ(error, "vm is repeated; say which one, e.g. vm[0]");
  EXPECT_FALSE(resolve_path(&s, "run[0].duration_ms", true, &error));
  EXPECT_EQ(error, "run is not a repeated field; drop \"[0]\"");
  EXPECT_FALSE(resolve_path(&s, "name.x", true, &error));
  EXPECT_EQ(error, "name is a string, not a message; nothing can follow it");
}

TEST(FieldPath, ParsesValuesByType) {
  viosim::Scenario s = two_vms();
  std::string error;
  auto backend = resolve_path(&s, "vm[0].nic.backend", true, &error);
  ASSERT_TRUE(backend);
  EXPECT_TRUE(set_from_text(*backend, "VHOST_USER", &error));
  EXPECT_EQ(s.vm(0).nic().backend(), viosim::VHOST_USER);
  EXPECT_FALSE(set_from_text(*backend, "vhost_user", &error));
  EXPECT_EQ(error,
            "unknown value \"vhost_user\" for vm[0].nic.backend; did you mean \"VHOST_USER\"? (choices: E1000, "
            "VIRTIO_USERSPACE, VHOST_NET, VHOST_USER, PASSTHROUGH, BARE_METAL, VDPA)");
  auto pins = resolve_path(&s, "vm[0].pin_cores", true, &error);
  ASSERT_TRUE(pins);
  EXPECT_TRUE(set_from_text(*pins, "[1, 2]", &error)) << error;
  EXPECT_EQ(s.vm(0).pin_cores_size(), 2);
  EXPECT_FALSE(set_from_text(*pins, "3, x", &error));
  EXPECT_EQ(s.vm(0).pin_cores_size(), 2) << "a bad list leaves the field as it was";
  auto cores = resolve_path(&s, "host.cores", true, &error);
  ASSERT_TRUE(cores);
  EXPECT_FALSE(set_from_text(*cores, "5000000000", &error));
  EXPECT_EQ(error, "5000000000 does not fit in host.cores (uint32: 0 to 4294967295)");
}

}  // namespace
}  // namespace viosim::scenarios
