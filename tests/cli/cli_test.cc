// The viosim command's contract with scripts: exit 0 ok, 1 runtime failure,
// 2 bad input or usage, with the reason on stderr.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/command_outcome.h"
#include "tests/support/expected_output.h"

namespace {

namespace fs = std::filesystem;

using viosim::testing_support::Outcome;
using viosim::testing_support::slurp;

class Viosim : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("viosim_cli_" + std::to_string(::getpid()) + "_" +
                                           testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs viosim with `args` (already shell-quoted where needed) from the
  // source tree root, so scenario paths read as users type them.
  Outcome run(const std::string& args) {
    return viosim::testing_support::run_command(VIOSIM_BINARY, args, dir_, VIOSIM_SOURCE_DIR);
  }

  fs::path dir_;
};

TEST_F(Viosim, PrintsItsVersion) {
  const Outcome o = run("--version");
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.out, "viosim " VIOSIM_EXPECTED_VERSION "\n");
}

TEST_F(Viosim, ValidateGoodScenarioExitsZero) {
  const Outcome o = run("validate scenarios/examples/rr_64b_all_paths.textproto");
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "scenarios/examples/rr_64b_all_paths.textproto: ok\n");
  EXPECT_EQ(o.err, "");
}

TEST_F(Viosim, ValidateBadScenarioExitsTwoWithTheMessageOnStderr) {
  const Outcome o = run("validate tests/scenarios/invalid/pin_to_missing_core.textproto");
  EXPECT_EQ(o.status, 2);
  EXPECT_EQ(o.err,
            "tests/scenarios/invalid/pin_to_missing_core.textproto:7:27: error: vm \"vm0\" pins vCPU 1 to core 9, "
            "but the host has cores 0-7\n"
            "vm { name: \"vm0\" vcpus: 2 pin_cores: [2, 9] }\n"
            "                          ^\n"
            "tests/scenarios/invalid/pin_to_missing_core.textproto: 1 error\n");
}

TEST_F(Viosim, ValidateChecksEveryFileAndFailsIfAnyIsBad) {
  const Outcome o = run("validate scenarios/examples/rss_scaling.textproto tests/scenarios/invalid/empty_file.textproto");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.out.find("rss_scaling.textproto: ok"), std::string::npos);
  EXPECT_NE(o.err.find("empty_file.textproto: 3 errors"), std::string::npos) << o.err;
}

TEST_F(Viosim, MissingFileExitsTwoNamingIt) {
  const Outcome o = run("validate no/such/scenario.textproto");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("no/such/scenario.textproto: error: cannot read scenario: No such file or directory"),
            std::string::npos) << o.err;
}

TEST_F(Viosim, UnknownFlagExitsTwoWithSuggestionAndUsage) {
  const Outcome o = run("validate --sett vm[0].vcpus=2 scenarios/examples/rss_scaling.textproto");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("viosim validate: unknown option \"--sett\"; did you mean \"--set\"?"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("usage: viosim validate"), std::string::npos);
}

TEST_F(Viosim, UnknownCommandExitsTwoWithUsage) {
  const Outcome o = run("valdate x");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("viosim: unknown command \"valdate\"; did you mean \"validate\"?"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("usage: viosim COMMAND"), std::string::npos);
  EXPECT_EQ(run("").status, 2);
  EXPECT_EQ(run("--frobnicate").status, 2);
}

TEST_F(Viosim, BadSetOverrideExitsTwo) {
  const Outcome o = run("validate scenarios/examples/rss_scaling.textproto --set 'vm[0].vcpus=0'");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("--set vm[0].vcpus=0: error: vm[0].vcpus is 0, outside its valid range 1 to 288"),
            std::string::npos) << o.err;
}

TEST_F(Viosim, RunWritesTheResultsFolderAndRefusesToOverwriteIt) {
  const fs::path output = dir_ / "results";
  const Outcome o = run("run scenarios/examples/rr_64b_all_paths.textproto --set run.duration_ms=20 --set "
                        "run.warmup_ms=2 -o '" + output.string() + "'");
  ASSERT_EQ(o.status, 0) << o.err;
  for (const char* f : {"scenario.textproto", "summary.json", "results.csv", "latency_cdf.csv"}) {
    EXPECT_TRUE(fs::exists(output / f)) << f;
  }
  EXPECT_NE(o.out.find("fingerprint VHOST_NET "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("results: "), std::string::npos) << o.out;
  // Nothing else next to it: the staging folder was renamed into place.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 3u);  // results, stdout, stderr
  // The resolved scenario it wrote validates and reruns to the same fingerprints.
  const fs::path again = dir_ / "again";
  const Outcome o2 = run("run '" + (output / "scenario.textproto").string() + "' -o '" + again.string() + "'");
  ASSERT_EQ(o2.status, 0) << o2.err;
  EXPECT_EQ(slurp(output / "results.csv").substr(0, 200).size() > 0, true);
  auto fingerprints = [](const std::string& out) {
    std::string f;
    for (size_t at = out.find("fingerprint "); at != std::string::npos; at = out.find("fingerprint ", at + 1)) {
      f += out.substr(at, out.find('\n', at) - at) + "\n";
    }
    return f;
  };
  EXPECT_EQ(fingerprints(o.out), fingerprints(o2.out));
  EXPECT_EQ(run("run scenarios/examples/rr_64b_all_paths.textproto -o '" + output.string() + "'").status, 2);
}

TEST_F(Viosim, GraphPrintsOneDigraphPerComparedBackend) {
  const Outcome all = run("graph scenarios/examples/compare_paths.textproto");
  ASSERT_EQ(all.status, 0) << all.err;
  size_t digraphs = 0;
  for (size_t at = all.out.find("digraph"); at != std::string::npos; at = all.out.find("digraph", at + 1)) ++digraphs;
  EXPECT_EQ(digraphs, 7u);
  const Outcome one = run("graph scenarios/examples/compare_paths.textproto --backend VHOST_NET");
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_NE(one.out.find("vhost worker"), std::string::npos);
  EXPECT_NE(one.out.find("irqfd"), std::string::npos);
  EXPECT_EQ(run("graph scenarios/examples/compare_paths.textproto --backend VHOST").status, 2);
  EXPECT_EQ(run("graph").status, 2);
}

TEST_F(Viosim, RunRejectsBadInputWithStatusTwo) {
  const fs::path output = dir_ / "results";
  EXPECT_EQ(run("run tests/scenarios/invalid/warmup_longer_than_run.textproto -o '" + output.string() + "'").status, 2);
  EXPECT_EQ(run("run scenarios/examples/rr_64b_all_paths.textproto --backend VHOST").status, 2);
  EXPECT_EQ(run("run scenarios/examples/rr_64b_all_paths.textproto -o").status, 2);
  EXPECT_EQ(run("run").status, 2);
  EXPECT_EQ(run("run a.textproto b.textproto").status, 2);
  EXPECT_FALSE(fs::exists(output));
}

TEST_F(Viosim, EverySubcommandHasHelp) {
  for (const char* command :
       {"validate", "run", "plot", "profiles", "list-models", "schema", "graph", "explain", "lesson"}) {
    const Outcome o = run(std::string(command) + " --help");
    EXPECT_EQ(o.status, 0) << command;
    EXPECT_NE(o.out.find(std::string("usage: viosim ") + command), std::string::npos) << command;
  }
  EXPECT_EQ(run("--help").status, 0);
  EXPECT_EQ(run("help run").status, 0);
}

// `viosim explain` prints exactly the pinned journey. After an intended
// change (wording, a model), regenerate the expected file with
//   VIOSIM_UPDATE_EXPECTED=1 build/release/tests/cli/cli_test --gtest_filter='*Explain*'
// and review its diff like any other change.
TEST_F(Viosim, ExplainPrintsThePinnedJourney) {
  const Outcome o = run("explain scenarios/examples/explain_rr.textproto --backend VHOST_NET --packet 1");
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.err, "");
  const fs::path expected = fs::path(VIOSIM_SOURCE_DIR) / "tests/cli/expected/explain_rr_vhost_net_packet1.txt";
  if (!viosim::testing_support::matches_expected_file(o.out, expected)) GTEST_SKIP() << "updated " << expected;
  // The same again, and the default backend is the first compared.
  EXPECT_EQ(run("explain scenarios/examples/explain_rr.textproto --packet 1").out, o.out);
}

TEST_F(Viosim, ExplainRejectsBadInputWithStatusTwo) {
  const std::string file = "scenarios/examples/explain_rr.textproto";
  Outcome o = run("explain " + file + " --packet 100000");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("viosim explain: " + file + ": there is no packet 100000: only "), std::string::npos) << o.err;
  EXPECT_EQ(o.out, "");
  o = run("explain " + file + " --packet -1");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("--packet takes a packet number"), std::string::npos) << o.err;
  EXPECT_EQ(run("explain " + file + " --packet 1x").status, 2);
  o = run("explain " + file + " --backend VHOST");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("unknown backend \"VHOST\""), std::string::npos) << o.err;
  o = run("explain " + file + " --flow stream");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("has no flow \"stream\" (flows: rr)"), std::string::npos) << o.err;
  EXPECT_EQ(run("explain " + file + " --set run.warmup_ms=9").status, 2);  // longer than the run
  EXPECT_EQ(run("explain " + file + " --pakcet 1").status, 2);
  EXPECT_EQ(run("explain").status, 2);
  EXPECT_EQ(run("explain " + file + " " + file).status, 2);
  EXPECT_EQ(run("explain no/such/file.textproto").status, 2);
  const Outcome help = run("--help");
  EXPECT_NE(help.out.find("  explain FILE "), std::string::npos);
}

TEST_F(Viosim, LessonRunsItsStepsAndChecksItsFigures) {
  const std::string file = "scenarios/lessons/vhost_net_vs_qemu.textproto";
  Outcome o = run("lesson " + file);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("== Step 2/2: "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("  ok     VHOST_NET syscalls_per_packet = 0 "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find(file + ": every figure and place as the lesson says"), std::string::npos) << o.out;
  // Without runs: the steps and answers, nothing run.
  o = run("lesson " + file + " --no-run --step 1");
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("Answer:"), std::string::npos);
  EXPECT_EQ(o.out.find("== Step 2/2"), std::string::npos);
  EXPECT_EQ(o.err.find("running"), std::string::npos) << o.err;
}

// A lesson whose figure the run does not give fails with status 1, at the
// expect that says it.
TEST_F(Viosim, LessonWithAFigureTheRunDoesNotGiveExitsOne) {
  const fs::path lesson = dir_ / "wrong.textproto";
  std::ofstream(lesson) << "title: \"wrong\"\n"
                           "summary: \"s\"\n"
                           "step {\n"
                           "  title: \"one\"\n"
                           "  scenario: \"" VIOSIM_SOURCE_DIR
                           "/scenarios/lessons/scenarios/rr_virtio_backends.textproto\"\n"
                           "  backend: \"VHOST_NET\"\n"
                           "  text: \"t\"\n"
                           "  question {\n"
                           "    text: \"q\" answer: \"a\"\n"
                           "    expect { figure: \"syscalls_per_packet\" value: 4 absolute: 0.1 }\n"
                           "  }\n"
                           "}\n";
  const Outcome o = run("lesson '" + lesson.string() + "'");
  EXPECT_EQ(o.status, 1) << o.err;
  EXPECT_NE(o.out.find("  WRONG  VHOST_NET syscalls_per_packet = 0 (lesson: 4 ± 0.1)"), std::string::npos) << o.out;
  EXPECT_NE(o.err.find(lesson.string() + ":10:5: error: step 1: VHOST_NET syscalls_per_packet: the run gives 0, "
                                         "the lesson says 4 ± 0.1"),
            std::string::npos)
      << o.err;
}

TEST_F(Viosim, LessonRejectsBadInputWithStatusTwo) {
  const std::string file = "scenarios/lessons/vhost_net_vs_qemu.textproto";
  Outcome o = run("lesson tests/lesson/invalid/bad_looks.textproto");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("tests/lesson/invalid/bad_looks.textproto:8:3: error: step 1: look: no chart"),
            std::string::npos)
      << o.err;
  EXPECT_EQ(o.out, "");
  o = run("lesson " + file + " --step 3");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("--step 3: the lesson has steps 1 to 2"), std::string::npos) << o.err;
  EXPECT_EQ(run("lesson " + file + " --step x").status, 2);
  EXPECT_EQ(run("lesson " + file + " --stpe 1").status, 2);
  EXPECT_EQ(run("lesson").status, 2);
  EXPECT_EQ(run("lesson " + file + " " + file).status, 2);
  o = run("lesson no/such/lesson.textproto");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("no/such/lesson.textproto: error: cannot read the lesson"), std::string::npos) << o.err;
  // A scenario is not a lesson.
  EXPECT_EQ(run("lesson scenarios/examples/explain_rr.textproto").status, 2);
}

// Plotting exists only in builds with Qt (VIOSIM_GUI); the others must say
// so with status 2, and every build refuses a folder that is not there.
TEST_F(Viosim, PlotMissingFolderExitsTwo) {
  const Outcome o = run("plot '" + (dir_ / "no_such_run").string() + "'");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("viosim plot: "), std::string::npos) << o.err;
  EXPECT_EQ(run("plot").status, 2);
  EXPECT_EQ(run("plot a b").status, 2);
}

#ifdef VIOSIM_HAVE_CHARTS
TEST_F(Viosim, PlotWritesPngAndSvgOfEveryChart) {
  const fs::path output = dir_ / "results";
  ASSERT_EQ(run("run scenarios/examples/rr_64b_all_paths.textproto --set run.duration_ms=10 --set "
                "run.warmup_ms=1 --backend VHOST_NET -o '" + output.string() + "'")
                .status,
            0);
  const Outcome o = run("plot '" + output.string() + "'");
  ASSERT_EQ(o.status, 0) << o.err;
  for (const char* name : {"latency_cdf", "cpu_by_category", "mechanisms_per_packet"}) {
    for (const char* suffix : {".png", ".svg"}) {
      const fs::path file = output / "plots" / (std::string(name) + suffix);
      ASSERT_TRUE(fs::exists(file)) << file;
      EXPECT_GT(fs::file_size(file), 1000u) << file;
      EXPECT_NE(o.out.find(file.string()), std::string::npos) << o.out;
    }
  }
  const fs::path elsewhere = dir_ / "elsewhere";
  EXPECT_EQ(run("plot '" + output.string() + "' -o '" + elsewhere.string() + "' --size 400x300").status, 0);
  EXPECT_TRUE(fs::exists(elsewhere / "cpu_by_category.svg"));
  EXPECT_EQ(run("plot '" + output.string() + "' --size 400").status, 2);
  // A folder that is not a results folder.
  EXPECT_EQ(run("plot '" + elsewhere.string() + "'").status, 2);
}

TEST_F(Viosim, RunWithPlotPutsThePlotsInTheResultsFolder) {
  const fs::path output = dir_ / "results";
  const Outcome o = run("run scenarios/examples/rr_64b_all_paths.textproto --set run.duration_ms=10 --set "
                        "run.warmup_ms=1 --backend VHOST_NET --plot -o '" + output.string() + "'");
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_TRUE(fs::exists(output / "plots" / "latency_cdf.png"));
  EXPECT_TRUE(fs::exists(output / "plots" / "mechanisms_per_packet.svg"));
  EXPECT_NE(o.out.find("plots: "), std::string::npos) << o.out;
}
#else
TEST_F(Viosim, PlotWithoutQtExitsTwoSayingHowToGetIt) {
  const fs::path output = dir_ / "results";
  ASSERT_EQ(run("run scenarios/examples/rr_64b_all_paths.textproto --set run.duration_ms=10 --set "
                "run.warmup_ms=1 --backend VHOST_NET -o '" + output.string() + "'")
                .status,
            0);
  const Outcome o = run("plot '" + output.string() + "'");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("VIOSIM_GUI=ON"), std::string::npos) << o.err;
  EXPECT_EQ(run("run scenarios/examples/rr_64b_all_paths.textproto --plot -o '" + (dir_ / "r2").string() + "'").status,
            2);
  EXPECT_FALSE(fs::exists(dir_ / "r2"));
}
#endif

TEST_F(Viosim, DescribesItsBuild) {
  const Outcome profiles = run("profiles");
  EXPECT_EQ(profiles.status, 0);
  EXPECT_NE(profiles.out.find("skylake-sp"), std::string::npos);
  EXPECT_NE(profiles.out.find("kvm-2012"), std::string::npos);
  const Outcome one = run("profiles kvm-2012");
  EXPECT_EQ(one.status, 0);
  EXPECT_NE(one.out.find("exit_entry_cycles: 3898"), std::string::npos);
  EXPECT_EQ(run("profiles skylake").status, 2);
  const Outcome schema = run("schema");
  EXPECT_EQ(schema.status, 0);
  EXPECT_NE(schema.out.find("vm[].nic.backend\n"), std::string::npos);
  EXPECT_NE(schema.out.find("viosim.HostProfile"), std::string::npos);
  EXPECT_EQ(run("list-models").status, 0);
}

}  // namespace
