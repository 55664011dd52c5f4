// The loader's contract: the exact error text of DESIGN.md's example, every
// error reported, base chains layered as documented, --set and --backend
// checked like file content.
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "scenarios/loader/loader.h"

namespace viosim::scenarios {
namespace {

namespace fs = std::filesystem;

constexpr char kLoaderHeader[] =
    "# proto-file: scenarios/schema/viosim/scenario.proto\n"
    "# proto-message: viosim.Scenario\n";

constexpr char kValid[] =
    "name: \"ok\"\n"
    "host { cores: 8 nic { queues: 4 line_rate_gbps: 25 } }\n"
    "vm { name: \"vm0\" vcpus: 2 pin_cores: [2, 3] }\n"
    "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n";

TEST(Loader, PinsTheDesignExampleExactly) {
  // Line 7 is the line of DESIGN.md's example. The column is 1-based and
  // points at the field: `pin_cores` starts in column 27.
  const std::string text = std::string(kLoaderHeader) +
                           "name: \"bad pinning\"\n"
                           "run { duration_ms: 200 warmup_ms: 20 }\n"
                           "host { profile: \"skylake-sp\" cores: 8\n"
                           "       nic { queues: 4 line_rate_gbps: 25 coalescing { rx_usecs: 50 } } }\n"
                           "vm { name: \"vm0\" vcpus: 2 pin_cores: [2, 9] }\n"
                           "traffic { flow { name: \"rr\" src: \"external\" dst: \"vm0\"\n"
                           "                 request_response { request_bytes: 64 response_bytes: 64 } } }\n";
  const LoadResult result = load_scenario_text("scenarios/examples/bad.textproto", text);
  EXPECT_EQ(format_diagnostics(result.diagnostics),
            "scenarios/examples/bad.textproto:7:27: error: vm \"vm0\" pins vCPU 1 to core 9, but the host has cores 0-7\n"
            "vm { name: \"vm0\" vcpus: 2 pin_cores: [2, 9] }\n"
            "                          ^\n");
}

TEST(Loader, ValidScenarioIsResolvedWithDefaultsAndProfile) {
  const LoadResult result = load_scenario_text("ok.textproto", kValid);
  ASSERT_TRUE(result.ok()) << format_diagnostics(result.diagnostics);
  const viosim::Scenario& s = *result.scenario;
  EXPECT_EQ(s.run().duration_ms(), 100);                   // schema default
  EXPECT_EQ(s.host().profile(), "skylake-sp");             // schema default
  EXPECT_EQ(s.host().costs().exit_entry_cycles(), 1529u);  // from the profile
  EXPECT_EQ(s.host().nic(0).name(), "nic0");               // computed default
  EXPECT_EQ(s.vm(0).nic().uplink(), "nic0");               // computed default
  EXPECT_EQ(s.vm(0).nic().backend(), viosim::VHOST_NET);
  EXPECT_EQ(s.traffic().flow(0).request_response().request_bytes(), 64u);
  EXPECT_FALSE(s.traffic().flow(0).has_open_loop());       // a oneof stays as chosen
  EXPECT_FALSE(s.sweep().axis_size());
}

// Each VM's interrupts start from what its host offers: the profile's, as
// host.virtualization overrides it; what needs APICv follows a VM's apicv.
viosim::Interrupts interrupts_on(const std::string& host, const std::string& vm_interrupts) {
  const LoadResult r = load_scenario_text("ok.textproto", "name: \"ok\"\nhost { " + host + " }\n" +
                                                              "vm { name: \"vm0\" " + vm_interrupts + " }\n" +
                                                              "traffic { flow { name: \"rr\" dst: \"vm0\" "
                                                              "request_response {} } }\n");
  EXPECT_TRUE(r.ok()) << format_diagnostics(r.diagnostics);
  return r.ok() ? r.scenario->vm(0).interrupts() : viosim::Interrupts();
}

TEST(Loader, InterruptVirtualizationIsWhatTheHostOffers) {
  const auto on = [](const viosim::Interrupts& i) {
    return std::to_string(i.apicv()) + std::to_string(i.vtd_posted()) + std::to_string(i.ipi_virtualization());
  };
  EXPECT_EQ(on(interrupts_on("profile: \"skylake-sp\"", "")), "110");
  EXPECT_EQ(on(interrupts_on("profile: \"sapphire-rapids\"", "")), "111");
  EXPECT_EQ(on(interrupts_on("profile: \"kvm-2012\"", "")), "000");
  // A VM without APICv has neither posting nor IPIv, on any host.
  EXPECT_EQ(on(interrupts_on("profile: \"sapphire-rapids\"", "interrupts { apicv: false }")), "000");
  EXPECT_EQ(on(interrupts_on("profile: \"sapphire-rapids\"", "interrupts { ipi_virtualization: false }")), "110");
  // kvm_intel enable_ipiv=0, and enable_apicv=0 taking the rest with it.
  EXPECT_EQ(on(interrupts_on("profile: \"sapphire-rapids\" virtualization { ipi_virtualization: false }", "")), "110");
  EXPECT_EQ(on(interrupts_on("profile: \"sapphire-rapids\" virtualization { apicv: false }", "")), "000");
  // A host said to have IPIv.
  EXPECT_EQ(on(interrupts_on("virtualization { ipi_virtualization: true }", "")), "111");
}

TEST(Loader, CostOverridesReplaceSingleProfileFields) {
  const LoadResult merged = load_scenario_text(
      "ok.textproto",
      "name: \"ok\"\n"
      "host { profile: \"kvm-2012\" costs { syscall_ns: 50 } }\n"
      "vm { name: \"vm0\" }\n"
      "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n");
  ASSERT_TRUE(merged.ok()) << format_diagnostics(merged.diagnostics);
  EXPECT_EQ(merged.scenario->host().costs().syscall_ns(), 50);
  EXPECT_EQ(merged.scenario->host().costs().exit_entry_cycles(), 3898u);
}

TEST(Loader, ReportsEveryErrorNotJustTheFirst) {
  const LoadResult result = load_scenario_text(
      "many.textproto",
      "name: \"many\"\n"
      "run { duration_ms: 10 warmup_ms: 20 }\n"
      "host { cores: 2 }\n"
      "vm { name: \"a\" vcpus: 1 pin_cores: [5] }\n"
      "vm { name: \"a\" nic { backend: E1000 queues: 2 fixed_backend: true } }\n"
      "traffic { flow { name: \"f\" dst: \"b\" bulk {} } }\n");
  EXPECT_EQ(result.diagnostics.size(), 5u) << format_diagnostics(result.diagnostics);
}

class BaseChain : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("viosim_base_chain_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "sub");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(BaseChain, ScalarsOverrideMessagesMergeRepeatedReplace) {
  write("sub/base.textproto",
        "name: \"base\"\n"
        "seed: 3\n"
        "run { duration_ms: 50 warmup_ms: 5 }\n"
        "host { cores: 16 nic { queues: 8 } }\n"
        "vm { name: \"a\" vcpus: 2 pin_cores: [1, 2] }\n"
        "vm { name: \"b\" }\n"
        "traffic { flow { name: \"f\" dst: \"a\" bulk {} } }\n");
  write("child.textproto",
        "base: \"sub/base.textproto\"\n"
        "name: \"child\"\n"
        "run { duration_ms: 80 }\n"
        "vm { name: \"c\" vcpus: 4 }\n"
        "traffic { flow { name: \"g\" dst: \"c\" bulk {} } }\n");
  const LoadResult result = load_scenario(path("child.textproto"));
  ASSERT_TRUE(result.ok()) << format_diagnostics(result.diagnostics);
  const viosim::Scenario& s = *result.scenario;
  EXPECT_EQ(s.name(), "child");            // scalar overrides
  EXPECT_EQ(s.seed(), 3u);                 // untouched scalar stays
  EXPECT_EQ(s.run().duration_ms(), 80);    // sub-message merges...
  EXPECT_EQ(s.run().warmup_ms(), 5);       // ...keeping the base's other fields
  EXPECT_EQ(s.host().nic(0).queues(), 8u);
  ASSERT_EQ(s.vm_size(), 1);               // repeated replaces
  EXPECT_EQ(s.vm(0).name(), "c");
  EXPECT_TRUE(s.base().empty());           // a resolved scenario stands alone
}

TEST_F(BaseChain, ErrorsPointIntoTheFileThatSetTheField) {
  write("base.textproto", "name: \"b\"\nvm { name: \"a\" vcpus: 1 pin_cores: [12] }\n"
                          "traffic { flow { name: \"f\" dst: \"a\" bulk {} } }\n");
  write("child.textproto", "base: \"base.textproto\"\nhost { cores: 4 }\n");
  const LoadResult result = load_scenario(path("child.textproto"));
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].file, path("base.textproto"));
  EXPECT_EQ(result.diagnostics[0].line, 2);
}

TEST(Overrides, SetIsAppliedAndCheckedLikeFileContent) {
  LoadOptions options;
  options.set = {"vm[vm0].vcpus=4", "vm[0].pin_cores=[4, 5, 6, 7]", "host.nic[0].coalescing.rx_usecs=10"};
  const LoadResult ok = load_scenario_text("ok.textproto", kValid, options);
  ASSERT_TRUE(ok.ok()) << format_diagnostics(ok.diagnostics);
  EXPECT_EQ(ok.scenario->vm(0).vcpus(), 4u);
  EXPECT_EQ(ok.scenario->vm(0).pin_cores(3), 7u);
  EXPECT_EQ(ok.scenario->host().nic(0).coalescing().rx_usecs(), 10u);

  options.set = {"vm[0].vcpus=0", "vm[0].vcpu=2", "host.cores"};
  const LoadResult bad = load_scenario_text("ok.textproto", kValid, options);
  EXPECT_EQ(format_diagnostics(bad.diagnostics),
            "--set vm[0].vcpu=2: error: vm[0] (viosim.Vm) has no field \"vcpu\"; did you mean \"vcpus\"?\n"
            "--set host.cores: error: expected --set field.path=value, e.g. --set vm[0].vcpus=2\n"
            "--set vm[0].vcpus=0: error: vm[0].vcpus is 0, outside its valid range 1 to 288\n");
}

TEST(Overrides, BackendReplacesCompareAndIsChecked) {
  LoadOptions options;
  options.backend = "VHOST_USER";
  const LoadResult ok = load_scenario_text(
      "ok.textproto", std::string(kValid) + "compare { backend: [E1000, VHOST_NET] }\n", options);
  ASSERT_TRUE(ok.ok()) << format_diagnostics(ok.diagnostics);
  EXPECT_EQ(ok.scenario->vm(0).nic().backend(), viosim::VHOST_USER);
  EXPECT_EQ(ok.scenario->compare().backend_size(), 0);

  options.backend = "VHOST_NT";
  const LoadResult bad = load_scenario_text("ok.textproto", kValid, options);
  EXPECT_EQ(format_diagnostics(bad.diagnostics),
            "--backend VHOST_NT: error: unknown backend \"VHOST_NT\"; did you mean \"VHOST_NET\"? (choices: E1000, "
            "VIRTIO_USERSPACE, VHOST_NET, VHOST_USER, PASSTHROUGH, BARE_METAL, VDPA)\n");
}

// The queue count a --set wrote keeps its errors beside --backend, which
// owns those the file wrote (the backend is what limits them).
TEST(Overrides, ASetsErrorBesideBackendIsTheSets) {
  LoadOptions options;
  options.backend = "VHOST_NET";
  options.set = {"vm[0].nic.queues=0"};
  const LoadResult bad = load_scenario_text("ok.textproto", kValid, options);
  EXPECT_EQ(format_diagnostics(bad.diagnostics),
            "--set vm[0].nic.queues=0: error: vm[0].nic.queues is 0, outside its valid range 1 to 1024\n");
}

TEST(Loader, MissingFileIsADiagnosticNamingIt) {
  const LoadResult result = load_scenario("no/such/file.textproto");
  EXPECT_EQ(format_diagnostics(result.diagnostics),
            "no/such/file.textproto: error: cannot read scenario: No such file or directory\n");
}

}  // namespace
}  // namespace viosim::scenarios
