// Every example scenario and every built-in profile is valid; a resolved
// scenario written out and read back is the same scenario, and resolving it
// again changes nothing.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/loader/loader.h"
#include "scenarios/loader/profiles.h"

namespace viosim::scenarios {
namespace {

namespace fs = std::filesystem;
using google::protobuf::util::MessageDifferencer;

std::vector<std::string> example_files() {
  std::vector<std::string> files;
  const fs::path root = fs::path(VIOSIM_SOURCE_DIR) / "scenarios/examples";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() == ".textproto") files.push_back(fs::relative(entry.path(), root).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class Example : public testing::TestWithParam<std::string> {
 protected:
  std::string path() const { return (fs::path(VIOSIM_SOURCE_DIR) / "scenarios/examples" / GetParam()).string(); }
};

TEST_P(Example, Validates) {
  const LoadResult result = load_scenario(path());
  EXPECT_TRUE(result.ok()) << format_diagnostics(result.diagnostics);
}

TEST_P(Example, SaysWhatItShows) {
  std::ifstream in(path());
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().rfind("# proto-file: scenarios/schema/viosim/scenario.proto\n"
                             "# proto-message: viosim.Scenario\n", 0), 0u);
  EXPECT_NE(text.str().find("What it shows"), std::string::npos);
}

TEST_P(Example, ResolvedScenarioRoundTrips) {
  const LoadResult result = load_scenario(path());
  ASSERT_TRUE(result.ok()) << format_diagnostics(result.diagnostics);
  const std::string written = to_textproto(*result.scenario);

  viosim::Scenario reread;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(written, &reread));
  std::string difference;
  MessageDifferencer differ;
  differ.ReportDifferencesToString(&difference);
  EXPECT_TRUE(differ.Compare(*result.scenario, reread)) << difference;

  const LoadResult again = load_scenario_text("resolved.textproto", written);
  ASSERT_TRUE(again.ok()) << format_diagnostics(again.diagnostics);
  EXPECT_TRUE(MessageDifferencer::Equals(*result.scenario, *again.scenario));
}

INSTANTIATE_TEST_SUITE_P(Examples, Example, testing::ValuesIn(example_files()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (char& c : name) if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(Examples, ThereAreAtLeastThree) { EXPECT_GE(example_files().size(), 3u); }

TEST(Profiles, EveryBuiltInProfileIsCompleteAndNamedAfterItsFile) {
  ASSERT_GE(builtin_profiles().size(), 2u);
  for (const ProfileInfo& info : builtin_profiles()) {
    // Loaded as a scenario loads it, over its base if it names one.
    viosim::HostProfile profile;
    std::vector<Diagnostic> diagnostics;
    EXPECT_TRUE(load_profile(info.name, Location{}, &profile, &diagnostics)) << format_diagnostics(diagnostics);
    EXPECT_EQ(info.name + ".textproto", info.file_name);
    EXPECT_FALSE(info.description.empty()) << info.file_name;
    EXPECT_NE(info.text.find("Sources:"), std::string::npos) << info.file_name << " must cite its sources";
  }
}

const ProfileInfo& profile_named(const std::string& name) {
  for (const ProfileInfo& info : builtin_profiles()) {
    if (info.name == name) return info;
  }
  throw std::runtime_error("no profile " + name);
}

TEST(Profiles, Kvm2012ExitClassesAddUpToTheMeasuredRoundTrips) {
  // reference/calibration.md section 1 (kvm-unit-tests 00bfecaa).
  viosim::HostProfile profile;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(profile_named("kvm-2012").text, &profile));
  const auto& c = profile.costs();
  EXPECT_EQ(c.exit_entry_cycles(), 3898u);                                                     // vmcall
  EXPECT_EQ(c.exit_entry_cycles() + c.io_fast_path_cycles(), 4451u);                           // outl_to_kernel
  EXPECT_EQ(c.exit_entry_cycles() + c.emulation_cycles(), 7237u);                              // inl_from_kernel
  EXPECT_EQ(c.exit_entry_cycles() + c.emulation_cycles() + c.userspace_exit_cycles(), 20574u);  // inl_from_qemu
  EXPECT_NEAR(c.emulation_cycles(), 3300, 100);        // "emulation ~3,300 cycles"
  EXPECT_NEAR(c.userspace_exit_cycles(), 13000, 500);  // "userspace exit ~13,000 cycles"
}

TEST(Profiles, SkylakeVmcallIsTheMeasuredOne) {
  viosim::HostProfile profile;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(profile_named("skylake-sp").text, &profile));
  EXPECT_EQ(profile.costs().exit_entry_cycles(), 1529u);  // calibration.md section 1
}

TEST(Profiles, ABaseGivesWhatTheProfileDoesNotSet) {
  viosim::HostProfile skylake, spr;
  std::vector<Diagnostic> diagnostics;
  ASSERT_TRUE(load_profile("skylake-sp", Location{}, &skylake, &diagnostics));
  ASSERT_TRUE(load_profile("sapphire-rapids", Location{}, &spr, &diagnostics)) << format_diagnostics(diagnostics);
  EXPECT_EQ(spr.name(), "sapphire-rapids");
  EXPECT_FALSE(spr.has_base());
  EXPECT_EQ(spr.costs().exit_entry_cycles(), 1760u);                  // its own
  EXPECT_EQ(spr.costs().syscall_ns(), skylake.costs().syscall_ns());  // the base's
  EXPECT_EQ(spr.costs().qemu_dispatch_ns(), skylake.costs().qemu_dispatch_ns());
  EXPECT_EQ(spr.nic_driver(), viosim::ICE);                // its own
  EXPECT_TRUE(spr.virtualization().apicv());               // the base's
  EXPECT_TRUE(spr.virtualization().ipi_virtualization());  // its own
}

}  // namespace
}  // namespace viosim::scenarios
