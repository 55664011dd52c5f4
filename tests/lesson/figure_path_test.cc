// Figure paths resolve against a BackendResult by its schema: fields,
// keyed entries, narrowing, and a reason for every path that cannot.
#include "scenarios/lesson/figure_path.h"

#include <gtest/gtest.h>

namespace viosim::lesson {
namespace {

viosim::BackendResult result() {
  viosim::BackendResult r;
  r.set_backend("VHOST_NET");
  r.set_exits_per_packet(2.5);
  r.mutable_latency_us()->set_p99(41.5);
  auto* reason = r.add_exits_by_reason();
  reason->set_name("hlt");
  reason->set_value(1.0);
  reason = r.add_exits_by_reason();
  reason->set_name("msr_write");
  reason->set_value(0.75);
  for (uint32_t core : {2u, 4u}) {
    auto* c = r.add_per_core();
    c->set_core(core);
    c->set_busy(core / 10.0);
  }
  for (const char* direction : {"guest to wire", "wire to guest"}) {
    auto* hop = r.add_hops();
    hop->set_direction(direction);
    hop->set_name("tap");
    hop->set_mean_us(direction[0] == 'g' ? 3.0 : 5.0);
  }
  auto* vm = r.add_vms();
  vm->set_name("web0");
  vm->add_vcpu_cores(6);
  vm->add_vcpu_cores(7);
  return r;
}

TEST(FigurePath, ReadsFieldsNestedFieldsAndKeyedEntries) {
  const viosim::BackendResult r = result();
  EXPECT_DOUBLE_EQ(figure_value(r, "exits_per_packet"), 2.5);
  EXPECT_DOUBLE_EQ(figure_value(r, "latency_us.p99"), 41.5);
  EXPECT_DOUBLE_EQ(figure_value(r, "exits_by_reason[msr_write]"), 0.75);
  EXPECT_DOUBLE_EQ(figure_value(r, "exits_by_reason[name=hlt].value"), 1.0);
  EXPECT_DOUBLE_EQ(figure_value(r, "per_core[4].busy"), 0.4);
  EXPECT_DOUBLE_EQ(figure_value(r, "hops[direction=wire to guest][name=tap].mean_us"), 5.0);
  EXPECT_DOUBLE_EQ(figure_value(r, "vms[web0].vcpu_cores[1]"), 7);
}

TEST(FigurePath, SchemaProblemsAreFoundWithoutAResult) {
  EXPECT_FALSE(figure_path_problem("latency_us.p99").has_value());
  EXPECT_FALSE(figure_path_problem("flows[rr (reverse)].latency_us.p50").has_value());
  const auto misspelt = figure_path_problem("exits_per_pakcet");
  ASSERT_TRUE(misspelt.has_value());
  EXPECT_NE(misspelt->find("did you mean \"exits_per_packet\""), std::string::npos) << *misspelt;
  const auto list = figure_path_problem("per_core.busy");
  ASSERT_TRUE(list.has_value());
  EXPECT_NE(list->find("is a list"), std::string::npos) << *list;
  const auto several = figure_path_problem("latency_us");
  ASSERT_TRUE(several.has_value());
  EXPECT_NE(several->find("name one: mean, p50, p99, p999"), std::string::npos) << *several;
  EXPECT_TRUE(figure_path_problem("backend").has_value());  // a string, not a number
  EXPECT_TRUE(figure_path_problem("exits_per_packet[1]").has_value());
  EXPECT_TRUE(figure_path_problem("exits_per_packet.x").has_value());
  EXPECT_TRUE(figure_path_problem("per_core[4").has_value());
  EXPECT_TRUE(figure_path_problem("hops[nme=tap].mean_us").has_value());
  EXPECT_TRUE(figure_path_problem("").has_value());
  // Entries are picked by one name or number, never a list or a fraction.
  const auto by_list = figure_path_problem("vms[flows=rr].exits_per_packet");
  ASSERT_TRUE(by_list.has_value());
  EXPECT_NE(by_list->find("cannot be picked by flows"), std::string::npos) << *by_list;
  EXPECT_TRUE(figure_path_problem("latency_cdf[0.5].latency_us").has_value());
  EXPECT_TRUE(figure_path_problem("latency_cdf[cumulative_fraction=0.5].latency_us").has_value());
  EXPECT_TRUE(figure_path_problem("flows[still_growing=false].throughput_pps").has_value());
  EXPECT_THROW(figure_value(result(), "latency_us"), std::invalid_argument);
}

TEST(FigurePath, AMissingOrAmbiguousEntryNamesWhatThereIs) {
  const viosim::BackendResult r = result();
  try {
    figure_value(r, "exits_by_reason[io]");
    FAIL() << "no such entry";
  } catch (const FigureError& e) {
    EXPECT_NE(std::string(e.what()).find("its names are: hlt, msr_write"), std::string::npos) << e.what();
  }
  try {
    figure_value(r, "hops[name=tap].mean_us");
    FAIL() << "two hops are named tap";
  } catch (const FigureError& e) {
    EXPECT_NE(std::string(e.what()).find("leaves 2 entries"), std::string::npos) << e.what();
  }
  EXPECT_THROW(figure_value(r, "vms[web0].vcpu_cores[2]"), FigureError);
  // Absent from this run: an optional figure it did not report.
  EXPECT_THROW(figure_value(r, "ddio_hit_share"), FigureError);
  EXPECT_THROW(figure_value(r, "ovs_kernel.hits"), FigureError);
}

}  // namespace
}  // namespace viosim::lesson
