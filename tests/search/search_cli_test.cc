// `viosim search` end to end, as users run it: the rates it reports hold
// when the scenario is run at them (no loss at the NDR; the failing rate
// just above loses or backs up), the folder it writes, and every refusal
// with exit status 2 and nothing written.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/command_outcome.h"

namespace {

namespace fs = std::filesystem;

const std::string kData = VIOSIM_TESTS_DIR "/search/data/";

using viosim::testing_support::Outcome;
using viosim::testing_support::slurp;

// A CSV file as rows of column -> cell.
std::vector<std::map<std::string, std::string>> read_csv(const fs::path& path) {
  return viosim::testing_support::read_simple_csv(path);
}

class Search : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("viosim_search_" + std::to_string(::getpid()) + "_" +
                                           testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome viosim(const std::string& args) { return viosim::testing_support::run_command(VIOSIM_BINARY, args, dir_); }

  // Runs the scenario with flow "in" at `rate` on `backend`; returns its
  // lost packets and whether its latency was still rising.
  std::pair<uint64_t, bool> run_at(const std::string& backend, const std::string& rate,
                                   const std::string& file = "rx_one_vm.textproto") {
    const fs::path folder = dir_ / ("run-" + backend + "-" + rate);
    const Outcome o = viosim("run " + kData + file + " --backend " + backend +
                             " --set traffic.flow[0].open_loop.rate_pps=" + rate + " -o '" + folder.string() + "'");
    EXPECT_EQ(o.status, 0) << o.err;
    // results.csv has the whole run's drops per flow in summary.json only:
    // read the flow's entries from there.
    const std::string json = slurp(folder / "summary.json");
    const size_t flow = json.find("\"name\": \"in\"");
    EXPECT_NE(flow, std::string::npos);
    const size_t end = json.find("\"name\": \"ping\"", flow);
    const std::string in = json.substr(flow, end - flow);
    uint64_t lost = 0;
    for (size_t at = in.find("\"count\": \""); at != std::string::npos; at = in.find("\"count\": \"", at + 1)) {
      lost += std::stoull(in.substr(at + 10));
    }
    return {lost, in.find("\"still_growing\": true") != std::string::npos};
  }

  // Searches flow "in" of `file` on its two backends; for each, the NDR
  // bracket is within the precision, and the scenario run on its own at
  // the NDR loses nothing while the failing rate just above loses.
  // Returns the folder.
  fs::path expect_ndr_holds(const std::string& file) {
    const fs::path out = dir_ / "found";
    const Outcome o = viosim("search " + kData + file + " --flow in -j2 -o '" + out.string() + "'");
    EXPECT_EQ(o.status, 0) << o.err;
    EXPECT_NE(o.out.find("VHOST_NET"), std::string::npos) << o.out;  // the table printed
    const auto rows = read_csv(out / "search.csv");
    EXPECT_EQ(rows.size(), 2u);
    for (const auto& row : rows) {
      SCOPED_TRACE(row.at("backend"));
      EXPECT_EQ(row.at("status"), "ok");
      EXPECT_EQ(row.at("converged"), "true");
      const double ndr = std::stod(row.at("ndr_pps")), fail = std::stod(row.at("ndr_fail_pps"));
      EXPECT_GT(ndr, 0);
      EXPECT_LE(fail - ndr, 0.005 * fail * (1 + 1e-9));
      EXPECT_GE(std::stod(row.at("pdr_pps")), ndr);
      const auto at_ndr = run_at(row.at("backend"), row.at("ndr_pps"), file);
      EXPECT_EQ(at_ndr.first, 0u);
      EXPECT_FALSE(at_ndr.second);
      const auto above = run_at(row.at("backend"), row.at("ndr_fail_pps"), file);
      EXPECT_TRUE(above.first > 0 || above.second);
    }
    return out;
  }

  fs::path dir_;
};

TEST_F(Search, TheNdrHoldsAndTheRateAboveItLoses) {
  const fs::path out = expect_ndr_holds("rx_one_vm.textproto");
  // Every trial is listed, and the folder holds each backend's NDR trial
  // as a run's results.
  const auto trials = read_csv(out / "trials.csv");
  EXPECT_GE(trials.size(), 6u);
  EXPECT_EQ(trials.front().at("rate_pps"), "14880952.38");
  EXPECT_TRUE(fs::exists(out / "summary.json"));
  EXPECT_TRUE(fs::exists(out / "results.csv"));
  EXPECT_TRUE(fs::exists(out / "scenario.textproto"));
}

// Through a forwarding VM (PVP) the same holds: the NDR found loses
// nothing when run on its own, the failing rate just above it does.
TEST_F(Search, TheNdrThroughAForwardingVmHoldsAndTheRateAboveItLoses) { expect_ndr_holds("pvp.textproto"); }

TEST_F(Search, ASenderThatFallsBehindFailsTheTrial) {
  // The guest cannot send at the line rate, and drops nothing when it does
  // not: what it never sent counts against the rate.
  const fs::path out = dir_ / "tx";
  const Outcome o = viosim("search " + kData + "tx_one_vm.textproto -o '" + out.string() + "'");
  ASSERT_EQ(o.status, 0) << o.err;
  const auto rows = read_csv(out / "search.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_GT(std::stod(rows[0].at("ndr_fail_pps")), 0) << "reported at the line rate";
  const auto trials = read_csv(out / "trials.csv");
  ASSERT_FALSE(trials.empty());
  EXPECT_EQ(trials.front().at("lost_packets"), "0");
  EXPECT_GT(std::stoull(trials.front().at("unsent_packets")), 0u);
  EXPECT_EQ(trials.front().at("ndr_pass"), "false");
}

TEST_F(Search, ASweepIsSearchedPointByPoint) {
  const fs::path out = dir_ / "sweep";
  const std::string file = kData + "rx_frame_sweep.textproto";
  const Outcome o = viosim("search " + file + " -j2 -o '" + out.string() + "'");
  ASSERT_EQ(o.status, 0) << o.err;
  const auto rows = read_csv(out / "search.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("traffic.flow[0].open_loop.frame_bytes"), "64");
  EXPECT_EQ(rows[1].at("traffic.flow[0].open_loop.frame_bytes"), "1500");
  for (const auto& row : rows) {
    SCOPED_TRACE(row.at("traffic.flow[0].open_loop.frame_bytes"));
    ASSERT_EQ(row.at("status"), "ok");
    EXPECT_GT(std::stod(row.at("ndr_pps")), 0);
    // Gb/s follow each point's own frame size.
    EXPECT_NEAR(std::stod(row.at("ndr_gbps")),
                std::stod(row.at("ndr_pps")) * std::stod(row.at("traffic.flow[0].open_loop.frame_bytes")) * 8 / 1e9,
                1e-6);
  }
  // Each point starts at its own line rate: 1500 B frames fill 10 Gb/s at
  // 822 kpkt/s.
  const auto trials = read_csv(out / "trials.csv");
  bool first_of_1500 = true;
  for (const auto& t : trials) {
    if (t.at("traffic.flow[0].open_loop.frame_bytes") != "1500" || !first_of_1500) continue;
    first_of_1500 = false;
    EXPECT_NEAR(std::stod(t.at("rate_pps")), 10e9 / (1520 * 8), 1);
  }
  EXPECT_TRUE(fs::exists(out / "scenario.textproto"));
  // A sweep over the searched rate itself is refused.
  const Outcome r = viosim("search " + file + " --set sweep.axis[0].field=traffic.flow[0].open_loop.rate_pps");
  EXPECT_EQ(r.status, 2) << r.err;
}

TEST_F(Search, TheSameSearchGivesTheSameTrials) {
  const Outcome a = viosim("search " + kData + "rx_one_vm.textproto --backend VHOST_NET --flow in -o '" +
                           (dir_ / "a").string() + "'");
  const Outcome b = viosim("search " + kData + "rx_one_vm.textproto --backend VHOST_NET --flow in -o '" +
                           (dir_ / "b").string() + "'");
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(slurp(dir_ / "a" / "trials.csv"), slurp(dir_ / "b" / "trials.csv"));
  EXPECT_EQ(a.out.substr(0, a.out.find("results:")), b.out.substr(0, b.out.find("results:")));
}

TEST_F(Search, RefusesWhatItCannotSearchAndWritesNothing) {
  const fs::path out = dir_ / "never";
  const std::string o = " -o '" + out.string() + "'";
  const std::string file = kData + "rx_one_vm.textproto";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"search " + file + " --flow ping" + o, "only an open-loop flow has an offered rate"},
      {"search " + file + " --flow inn" + o, "did you mean \"in\""},
      {"search " + file + " --loss-ratio 0.7" + o, "--loss-ratio takes a loss ratio from 0 to 0.5"},
      {"search " + file + " --precision 0" + o, "--precision takes"},
      {"search " + file + " --max-trials 2.5" + o, "--max-trials takes"},
      {"search " + file + " --max-rate-pps 2e7" + o, "above 14880952 pkt/s, the line rate"},
      {"search " + file + " --max-rate-pps 1000 --min-rate-pps 2000" + o, "--min-rate-pps 2000.000 pkt/s is above"},
      {"search " + kData + "vm_to_vm.textproto" + o, "cross no host NIC"},
      {"search " + kData + "no_such.textproto" + o, "no_such.textproto"},
      {"search " + file + " --set vm[0].vcpus=0" + o, "outside its valid range"},
      {"search" + o, "no scenario file given"},
  };
  for (const auto& [args, message] : cases) {
    const Outcome r = viosim(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
    EXPECT_FALSE(fs::exists(out)) << args;
  }
  // An -o folder in use is refused before any trial.
  fs::create_directories(dir_ / "used");
  std::ofstream(dir_ / "used" / "keep") << "x";
  const Outcome r = viosim("search " + file + " -o '" + (dir_ / "used").string() + "'");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err.find("trial"), std::string::npos) << r.err;
}

}  // namespace
