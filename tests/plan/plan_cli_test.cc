// `viosim plan` end to end: the answer where the host runs out of cores
// (checked against what the loader accepts, value by value), an SLO that
// stays undecided saying so, resume after kill -9 reaching the same report,
// shards whose runs cover the plan once, and refusals with exit status 2.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include "tests/support/command_outcome.h"

namespace {

namespace fs = std::filesystem;
using viosim::testing_support::Outcome;
using viosim::testing_support::read_simple_csv;
using viosim::testing_support::slurp;

const std::string kData = VIOSIM_TESTS_DIR "/plan/data/";
const std::string kDensity = kData + "web_density.textproto";

class Plan : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("viosim_plan_" + std::to_string(::getpid()) + "_" +
                                           testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Outcome viosim(const std::string& args) { return viosim::testing_support::run_command(VIOSIM_BINARY, args, dir_); }
  size_t point_files(const fs::path& folder) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(folder / "points")) n += e.path().extension() == ".json";
    return n;
  }
  // The runs this process made, from its "N run(s) made here" line.
  static size_t runs_made(const std::string& err) {
    std::smatch m;
    return std::regex_search(err, m, std::regex("(\\d+) run\\(s\\) made here")) ? std::stoul(m[1]) : 0;
  }
  fs::path dir_;
};

TEST_F(Plan, TheMostCopiesOnALooseSloIsWhereTheLoaderStopsAccepting) {
  // Independently of the plan: the largest count the loader accepts.
  int accepted = 0;
  for (int k = 1; k <= 64; ++k) {
    if (viosim("validate " + kDensity + " --set vm[web].count=" + std::to_string(k)).status != 0) break;
    accepted = k;
  }
  ASSERT_GT(accepted, 1);
  ASSERT_LT(accepted, 64);
  const fs::path out = dir_ / "out";
  const Outcome o = viosim("plan " + kDensity + " -j2 -o " + out.string());
  ASSERT_EQ(o.status, 0) << o.err;
  const auto rows = read_simple_csv(out / "plan.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("backend"), "VHOST_NET");
  EXPECT_EQ(rows[0].at("status"), "met");
  EXPECT_EQ(rows[0].at("answer"), std::to_string(accepted));
  EXPECT_EQ(rows[0].at("next_value"), std::to_string(accepted + 1));
  EXPECT_EQ(rows[0].at("next_verdict"), "refused");
  EXPECT_NE(rows[0].at("next_reason").find("cores"), std::string::npos) << rows[0].at("next_reason");
  // The busiest core at the answer: a VM's vCPU or the host's NIC interrupt core.
  const std::string& busiest = rows[0].at("busiest_role");
  EXPECT_TRUE(busiest.find("vCPU 0 of web") != std::string::npos || busiest.find("host: host_kernel") == 0) << busiest;
  EXPECT_NE(o.out.find("VHOST_NET: " + std::to_string(accepted)), std::string::npos) << o.out;
  // Every probe that ran has both criteria, each with an interval.
  size_t figures = 0;
  for (const auto& row : read_simple_csv(out / "probes.csv")) {
    if (row.at("verdict") == "refused") continue;
    ++figures;
    EXPECT_FALSE(row.at("ci95_low").empty());
    EXPECT_EQ(row.at("criterion_verdict"), "pass");
  }
  EXPECT_GE(figures, 2u * 3);
  EXPECT_TRUE(fs::exists(out / "plan.json"));
  EXPECT_TRUE(fs::exists(out / "plan.textproto"));
  if (o.err.find("without plotting") == std::string::npos) {
    EXPECT_TRUE(fs::exists(out / "plots/slo_VHOST_NET_0.png"));
    EXPECT_TRUE(fs::exists(out / "plots/cores_VHOST_NET.svg"));
  }
  // The runs are point files a later plan reuses: nothing runs again.
  const Outcome again = viosim("plan " + kDensity + " -j2 -o " + out.string() + " --resume");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(runs_made(again.err), 0u) << again.err;
  EXPECT_EQ(again.out, o.out);
  // Another plan over the same scenario (a looser bound) resumes the folder
  // and reuses the runs it shares: here all of them.
  const Outcome looser =
      viosim("plan " + kDensity + " -j2 -o " + out.string() + " --resume --set plan.slo[0].p99_us_max=20000");
  ASSERT_EQ(looser.status, 0) << looser.err;
  EXPECT_EQ(runs_made(looser.err), 0u) << looser.err;
  EXPECT_NE(looser.out.find("p99 of probe <= 20000 us"), std::string::npos) << looser.out;
}

TEST_F(Plan, TheFewestCoresIsWhereTheLoaderStartsAccepting) {
  const std::string file = kData + "fewest_cores.textproto";
  int least = 0;
  for (int cores = 16; cores >= 1; --cores) {
    if (viosim("validate " + file + " --set host.cores=" + std::to_string(cores)).status != 0) break;
    least = cores;
  }
  ASSERT_GT(least, 1);
  const Outcome o = viosim("plan " + file + " --no-plots -j2");
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("VHOST_NET: " + std::to_string(least) + " "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("at " + std::to_string(least - 1) + ": refused"), std::string::npos) << o.out;
}

TEST_F(Plan, TheFewestPmdCoresHoldWhenRunAndOneFewerDoesNot) {
  const fs::path out = dir_ / "out";
  const Outcome o = viosim("plan " + kData + "fewest_pmds.textproto --no-plots -j2 -o " + out.string());
  ASSERT_EQ(o.status, 0) << o.err;
  const auto rows = read_simple_csv(out / "plan.csv");
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].at("status"), "met");
  const int answer = std::stoi(rows[0].at("answer"));
  ASSERT_GT(answer, 1);
  EXPECT_EQ(rows[0].at("next_value"), std::to_string(answer - 1));
  EXPECT_EQ(rows[0].at("busiest_role"), "switch PMD");
  // The same scenario run by hand with the first n PMD cores (replication
  // 0 runs the scenario's seed): the answer meets both SLOs, one core fewer
  // does not.
  auto run_with = [&](int pmds) {
    std::string list = "[";
    for (int i = 1; i <= pmds; ++i) list += (i > 1 ? "," : "") + std::to_string(i);
    const fs::path folder = dir_ / ("run" + std::to_string(pmds));
    const Outcome r = viosim("run " + kData + "pmd_host.textproto --set 'host.ovs_dpdk.pmd_cores=" + list + "]' -o " +
                             folder.string());
    EXPECT_EQ(r.status, 0) << r.err;
    std::map<std::string, std::map<std::string, std::string>> flows;
    for (const auto& row : read_simple_csv(folder / "results.csv")) flows[row.at("flow")] = row;
    return std::pair{std::stod(flows.at("probe").at("latency_p99_us")),
                     std::stod(flows.at("load").at("throughput_gbps"))};
  };
  const auto [p99, gbps] = run_with(answer);
  EXPECT_LE(p99, 60);
  EXPECT_GE(gbps, 2.0);
  const auto [p99_fewer, gbps_fewer] = run_with(answer - 1);
  EXPECT_TRUE(p99_fewer > 60 || gbps_fewer < 2.0) << p99_fewer << " us, " << gbps_fewer << " Gb/s";
}

TEST_F(Plan, AnSloThatItsIntervalStraddlesIsUndecided) {
  // The probe's p99 at one copy, measured by a first plan...
  const fs::path first = dir_ / "first";
  ASSERT_EQ(viosim("plan " + kDensity + " --no-plots -o " + first.string() +
                   " --set plan.most.max=2 --set plan.min_replications=2 --set plan.max_replications=2")
                .status,
            0);
  const auto probes = read_simple_csv(first / "probes.csv");
  ASSERT_GE(probes.size(), 1u);
  const std::string p99 = probes[0].at("mean");
  ASSERT_LT(std::stod(probes[0].at("ci95_low")), std::stod(p99));
  // ...is the bound of the second: its interval cannot lie on one side.
  const Outcome o = viosim("plan " + kDensity +
                           " --no-plots --set plan.most.max=2 --set plan.min_replications=2 "
                           "--set plan.max_replications=2 --set plan.slo[0].p99_us_max=" +
                           p99);
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("VHOST_NET: none; even 1 undecided"), std::string::npos) << o.out;
  EXPECT_NE(o.err.find("straddles the bound after 2 replications"), std::string::npos) << o.err;
}

TEST_F(Plan, ResumeAfterKill9ReachesTheSameReport) {
  // Runs long enough (about 0.2 s each in a release build, 12 of them)
  // for the kill to land between two.
  const std::string slow = " --set run.duration_ms=150 --set run.warmup_ms=50 --no-plots -j1";
  const fs::path whole = dir_ / "whole", cut = dir_ / "cut";
  ASSERT_EQ(viosim("plan " + kDensity + slow + " -o " + whole.string()).status, 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string command =
        "exec '" VIOSIM_BINARY "' plan " + kDensity + slow + " -o " + cut.string() + " >/dev/null 2>&1";
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline && (!fs::exists(cut / "points") || point_files(cut) < 3)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int raw = 0;
  waitpid(pid, &raw, 0);
  ASSERT_TRUE(WIFSIGNALED(raw)) << "the plan ended before it could be killed; make its runs longer";
  const size_t kept = point_files(cut);
  ASSERT_LT(kept, point_files(whole));
  EXPECT_FALSE(fs::exists(cut / "plan.json"));
  const Outcome resumed = viosim("plan " + kDensity + slow + " -o " + cut.string() + " --resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_EQ(runs_made(resumed.err), point_files(whole) - kept) << resumed.err;
  EXPECT_EQ(slurp(cut / "plan.json"), slurp(whole / "plan.json"));
  EXPECT_EQ(slurp(cut / "probes.csv"), slurp(whole / "probes.csv"));
}

TEST_F(Plan, ShardsMakeEveryRunOnceAndTheLastWritesTheReport) {
  const std::string file = kData + "web_density_grid.textproto";
  const fs::path whole = dir_ / "whole", shared = dir_ / "shared";
  const Outcome all = viosim("plan " + file + " -j2 -o " + whole.string());
  ASSERT_EQ(all.status, 0) << all.err;
  ASSERT_EQ(read_simple_csv(whole / "plan.csv").size(), 8u);  // two loads x two ring sizes x two backends
  // Two axes: the answers as a matrix per backend (in a build that plots).
  if (all.err.find("without plotting") == std::string::npos) {
    EXPECT_TRUE(fs::exists(whole / "plots/heatmap_VHOST_NET.png"));
    EXPECT_TRUE(fs::exists(whole / "plots/heatmap_PASSTHROUGH.svg"));
  }
  size_t made = 0;
  for (int k = 1; k <= 3; ++k) {
    const Outcome shard =
        viosim("plan " + file + " --no-plots -j2 -o " + shared.string() + " --shard " + std::to_string(k) + "/3");
    ASSERT_EQ(shard.status, 0) << shard.err;
    made += runs_made(shard.err);
    // Before the last shard the report waits for the others.
    EXPECT_EQ(fs::exists(shared / "plan.json"), k == 3) << k;
    if (k < 3) {
      EXPECT_NE(shard.err.find("--collect"), std::string::npos) << shard.err;
    }
  }
  EXPECT_EQ(made, point_files(whole));
  EXPECT_EQ(point_files(shared), point_files(whole));
  EXPECT_EQ(slurp(shared / "plan.json"), slurp(whole / "plan.json"));
  // --collect writes the same report from the runs alone, and says what is
  // missing in a folder that lacks some.
  fs::remove(shared / "plan.json");
  const Outcome collected = viosim("plan " + file + " --no-plots -o " + shared.string() + " --collect");
  ASSERT_EQ(collected.status, 0) << collected.err;
  EXPECT_EQ(runs_made(collected.err), 0u);
  EXPECT_EQ(slurp(shared / "plan.json"), slurp(whole / "plan.json"));
  const fs::path partial = dir_ / "partial";
  ASSERT_EQ(viosim("plan " + file + " --no-plots -o " + partial.string() + " --shard 1/3").status, 0);
  const Outcome early = viosim("plan " + file + " --no-plots -o " + partial.string() + " --collect");
  EXPECT_EQ(early.status, 1);
  EXPECT_NE(early.err.find("no run yet of"), std::string::npos) << early.err;
}

TEST_F(Plan, MpiRanksShareTheAnswersAndWriteTheSameReport) {
#ifdef VIOSIM_MPIEXEC
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
  ::setenv("LSAN_OPTIONS", "detect_leaks=0", 1);  // Open MPI's components, as in the sweep test
  const std::string file = kData + "web_density_grid.textproto";
  const fs::path local = dir_ / "local", ranks = dir_ / "ranks";
  ASSERT_EQ(viosim("plan " + file + " --no-plots -j2 -o " + local.string()).status, 0);
  const std::string command = "'" VIOSIM_MPIEXEC "' -np 2 --oversubscribe '" VIOSIM_BINARY "' plan " + file +
                              " --no-plots -j1 --mpi -o " + ranks.string();
  const Outcome o = viosim::testing_support::run_command("/bin/sh", "-c \"" + command + "\"", dir_);
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(slurp(ranks / "plan.json"), slurp(local / "plan.json"));
  EXPECT_EQ(point_files(ranks), point_files(local));
#else
  GTEST_SKIP() << "built without MPI: the mpirun comparison did not run";
#endif
}

TEST_F(Plan, RefusesWhatItCannotAnswerWithStatus2) {
  const Outcome none = viosim("plan " VIOSIM_TESTS_DIR "/search/data/rx_one_vm.textproto");
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("has no plan { } block"), std::string::npos) << none.err;
  const Outcome flow = viosim("plan " + kDensity + " --set plan.slo[0].flow=prob");
  EXPECT_EQ(flow.status, 2);
  EXPECT_NE(flow.err.find("no flow \"prob\"; did you mean \"probe\"?"), std::string::npos) << flow.err;
  const Outcome shard = viosim("plan " + kDensity + " --shard 4/3 -o " + (dir_ / "x").string());
  EXPECT_EQ(shard.status, 2);
  const Outcome folder = viosim("plan " + kDensity + " --collect");
  EXPECT_EQ(folder.status, 2);
  EXPECT_NE(folder.err.find("-o DIR"), std::string::npos) << folder.err;
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

}  // namespace
