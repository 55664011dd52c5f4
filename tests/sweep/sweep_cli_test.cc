// `viosim sweep` end to end: runs the built binary as users do. A sweep
// killed with SIGKILL half way and resumed keeps every finished point,
// duplicates nothing, leaves no temporary and ends with the same CSV files
// as an uninterrupted sweep; -j1, -j2 and MPI write identical files.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace {

namespace fs = std::filesystem;

const std::string kData = VIOSIM_TESTS_DIR "/sweep/data/";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

class Sweep : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("viosim_sweep_" + std::to_string(::getpid()) + "_" +
                                           testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Starts `program args...` with stdout and stderr in files under dir_
  // (named after `tag`, so that processes running at once keep theirs).
  pid_t start(std::vector<std::string> argv, const std::string& tag = "") {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, (dir_ / ("stdout" + tag)).c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, (dir_ / ("stderr" + tag)).c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    pid_t pid = -1;
    EXPECT_EQ(posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ), 0) << argv[0];
    posix_spawn_file_actions_destroy(&actions);
    return pid;
  }

  Outcome wait(pid_t pid, const std::string& tag = "") {
    int raw = 0;
    waitpid(pid, &raw, 0);
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(dir_ / ("stdout" + tag)), slurp(dir_ / ("stderr" + tag))};
  }

  // The points a process says it ran: "N point(s) run".
  static int points_run(const std::string& err) {
    std::smatch m;
    return std::regex_search(err, m, std::regex("(\\d+) point\\(s\\) run")) ? std::stoi(m[1]) : -1;
  }

  Outcome sweep(std::vector<std::string> args) {
    args.insert(args.begin(), {VIOSIM_BINARY, "sweep"});
    return wait(start(std::move(args)));
  }

  static int count_files(const fs::path& dir, const std::string& suffix, bool temporaries = false) {
    int n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const std::string name = e.path().filename().string();
      const bool temporary = name.rfind(".tmp-", 0) == 0;
      if (temporary == temporaries && name.size() >= suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        ++n;
      }
    }
    return n;
  }

  fs::path dir_;
};

TEST_F(Sweep, ResumesAfterSigkillWithoutLosingOrRepeatingPoints) {
  const std::string file = kData + "resume.textproto";
  constexpr int kPoints = 4 * 2 * 3 * 2;
  const Outcome whole = sweep({file, "-j1", "-o", (dir_ / "whole").string()});
  ASSERT_EQ(whole.status, 0) << whole.err;
  ASSERT_EQ(count_files(dir_ / "whole/points", ".json"), kPoints);

  const fs::path cut = dir_ / "cut";
  const pid_t pid = start({VIOSIM_BINARY, "sweep", file, "-j1", "-o", cut.string()});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count_files(cut / "points", ".json") < 6 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int raw = 0;
  waitpid(pid, &raw, 0);
  ASSERT_TRUE(WIFSIGNALED(raw)) << "the sweep ended before it could be killed; make resume.textproto longer";
  const int finished = count_files(cut / "points", ".json");
  ASSERT_GE(finished, 6);
  ASSERT_LT(finished, kPoints);
  EXPECT_FALSE(fs::exists(cut / "aggregate.csv"));

  // What the killed sweep finished, file by file, to check it is kept as is.
  std::map<std::string, std::pair<std::string, ino_t>> kept;
  for (const auto& e : fs::directory_iterator(cut / "points")) {
    if (e.path().extension() != ".json") continue;
    struct stat st;
    ::stat(e.path().c_str(), &st);
    kept[e.path().filename().string()] = {slurp(e.path()), st.st_ino};
  }
  // A write cut short by the kill leaves a temporary like this one, which
  // resume removes once it is old enough not to be another process's
  // write in progress.
  const fs::path cut_short = cut / "points" / ".tmp-0123.json-99-0";
  std::ofstream(cut_short) << "{\"point_id\": \"01";
  fs::last_write_time(cut_short, fs::file_time_type::clock::now() - std::chrono::minutes(2));

  const Outcome refused = sweep({file, "-j1", "-o", cut.string()});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("--resume"), std::string::npos) << refused.err;

  const Outcome resumed = sweep({file, "-j2", "-o", cut.string(), "--resume"});
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.err.find(std::to_string(kPoints - finished) + " to run"), std::string::npos) << resumed.err;
  EXPECT_EQ(count_files(cut / "points", ".json"), kPoints);
  EXPECT_EQ(count_files(cut / "points", "", /*temporaries=*/true), 0);
  EXPECT_EQ(count_files(cut, "", /*temporaries=*/true), 0);
  for (const auto& [name, before] : kept) {
    struct stat st;
    ASSERT_EQ(::stat((cut / "points" / name).c_str(), &st), 0) << name;
    EXPECT_EQ(st.st_ino, before.second) << name << " was rewritten";
    EXPECT_EQ(slurp(cut / "points" / name), before.first) << name;
  }
  EXPECT_EQ(slurp(cut / "points.csv"), slurp(dir_ / "whole/points.csv"));
  EXPECT_EQ(slurp(cut / "aggregate.csv"), slurp(dir_ / "whole/aggregate.csv"));
  EXPECT_EQ(slurp(cut / "sweep.textproto"), slurp(dir_ / "whole/sweep.textproto"));

  // Resuming a finished sweep runs nothing and rewrites the same tables.
  const Outcome again = sweep({file, "-o", cut.string(), "--resume"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.err.find(", 0 to run"), std::string::npos) << again.err;
  EXPECT_EQ(slurp(cut / "aggregate.csv"), slurp(dir_ / "whole/aggregate.csv"));

  // Resuming with a changed scenario (here a --set) is refused, saying
  // what differs, and leaves the folder as it was.
  const Outcome changed = sweep({file, "-o", cut.string(), "--resume", "--set", "run.duration_ms=20"});
  EXPECT_EQ(changed.status, 2) << changed.err;
  EXPECT_NE(changed.err.find("was made from a different scenario"), std::string::npos) << changed.err;
  EXPECT_NE(changed.err.find("duration_ms: 60"), std::string::npos) << changed.err;
  EXPECT_EQ(slurp(cut / "aggregate.csv"), slurp(dir_ / "whole/aggregate.csv"));
}

TEST_F(Sweep, TwoResumesOfOneFolderAtOnceRunEveryPointOnce) {
  const std::string file = kData + "resume.textproto";
  constexpr int kPoints = 4 * 2 * 3 * 2;
  const Outcome whole = sweep({file, "-j1", "-o", (dir_ / "whole").string()});
  ASSERT_EQ(whole.status, 0) << whole.err;
  const fs::path shared = dir_ / "shared";
  const pid_t a = start({VIOSIM_BINARY, "sweep", file, "-j1", "-o", shared.string(), "--resume"}, "a");
  const pid_t b = start({VIOSIM_BINARY, "sweep", file, "-j1", "-o", shared.string(), "--resume"}, "b");
  const Outcome first = wait(a, "a"), second = wait(b, "b");
  ASSERT_EQ(first.status, 0) << first.err;
  ASSERT_EQ(second.status, 0) << second.err;
  // Each point ran in exactly one of them: the two counts add up to the
  // sweep, and the tables are those of one uninterrupted sweep.
  EXPECT_EQ(points_run(first.err) + points_run(second.err), kPoints) << first.err << second.err;
  EXPECT_EQ(count_files(shared / "points", ".json"), kPoints);
  EXPECT_EQ(count_files(shared / "points", ".lock"), 0);
  EXPECT_EQ(slurp(shared / "points.csv"), slurp(dir_ / "whole/points.csv"));
  EXPECT_EQ(slurp(shared / "aggregate.csv"), slurp(dir_ / "whole/aggregate.csv"));
}

TEST_F(Sweep, ShardsCoverEveryPointOnceAndCollectWritesTheTables) {
  const std::string file = kData + "resume.textproto";
  constexpr int kPoints = 4 * 2 * 3 * 2;
  ASSERT_EQ(sweep({file, "-j2", "-o", (dir_ / "whole").string()}).status, 0);
  const fs::path shared = dir_ / "shared";
  int ran = 0;
  for (int k = 1; k <= 3; ++k) {
    const Outcome shard = sweep({file, "-j2", "-o", shared.string(), "--shard", std::to_string(k) + "/3"});
    ASSERT_EQ(shard.status, 0) << shard.err;
    ran += points_run(shard.err);
    EXPECT_EQ(fs::exists(shared / "points.csv"), k == 3) << shard.err;
    if (k < 3) {
      EXPECT_NE(shard.err.find("--collect"), std::string::npos) << shard.err;
    }
  }
  EXPECT_EQ(ran, kPoints);
  EXPECT_EQ(count_files(shared / "points", ".json"), kPoints);
  EXPECT_EQ(slurp(shared / "points.csv"), slurp(dir_ / "whole/points.csv"));
  fs::remove(shared / "aggregate.csv");
  const Outcome collected = sweep({file, "-o", shared.string(), "--collect"});
  ASSERT_EQ(collected.status, 0) << collected.err;
  EXPECT_EQ(slurp(shared / "aggregate.csv"), slurp(dir_ / "whole/aggregate.csv"));
  const fs::path partial = dir_ / "partial";
  ASSERT_EQ(sweep({file, "-o", partial.string(), "--shard", "2/3"}).status, 0);
  const Outcome early = sweep({file, "-o", partial.string(), "--collect"});
  EXPECT_EQ(early.status, 1);
  EXPECT_NE(early.err.find("have no result yet"), std::string::npos) << early.err;
  EXPECT_EQ(sweep({file, "-o", partial.string(), "--shard", "0/3"}).status, 2);
  EXPECT_EQ(sweep({file, "--shard", "1/3"}).status, 2);
}

TEST_F(Sweep, SameTablesWhateverTheNumberOfWorkers) {
  const std::vector<std::string> common = {kData + "resume.textproto", "--set", "run.duration_ms=15"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = common;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  ASSERT_EQ(sweep(with({"-j1", "-o", (dir_ / "j1").string()})).status, 0);
  const Outcome j2 = sweep(with({"-j2", "-o", (dir_ / "j2").string()}));
  ASSERT_EQ(j2.status, 0) << j2.err;
  const std::string aggregate = slurp(dir_ / "j1/aggregate.csv");
  EXPECT_GT(aggregate.size(), 1000u);
  EXPECT_EQ(slurp(dir_ / "j2/aggregate.csv"), aggregate);
  EXPECT_EQ(slurp(dir_ / "j2/points.csv"), slurp(dir_ / "j1/points.csv"));
#ifdef VIOSIM_MPIEXEC
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
  // Under the sanitizer preset: Open MPI's dlopen'ed components keep their
  // memory until exit, which LeakSanitizer reports from unnamed modules
  // that no suppression can match. Leak checks stay on everywhere else.
  ::setenv("LSAN_OPTIONS", "detect_leaks=0", 1);
  std::vector<std::string> mpi = {VIOSIM_MPIEXEC, "-np", "2", "--oversubscribe", VIOSIM_BINARY, "sweep"};
  for (const std::string& a : with({"--mpi", "-o", (dir_ / "mpi").string()})) mpi.push_back(a);
  const Outcome m = wait(start(mpi));
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_EQ(slurp(dir_ / "mpi/aggregate.csv"), aggregate);
  EXPECT_EQ(slurp(dir_ / "mpi/points.csv"), slurp(dir_ / "j1/points.csv"));
#else
  GTEST_SKIP() << "built without MPI: the mpirun comparison did not run";
#endif
}

TEST_F(Sweep, AnInvalidPointStopsTheSweepBeforeAnythingRuns) {
  const Outcome o = sweep({kData + "invalid_point.textproto", "-o", (dir_ / "out").string()});
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("at sweep point host.cores=3, traffic.flow[load].open_loop.rate_pps=100000: vm \"vm0\" "
                       "pins vCPU 1 to core 3, but the host has cores 0-2"),
            std::string::npos)
      << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

// Points the models cannot run yet are refused by the loader, as validate
// refuses them, before anything runs (they used to be skipped at run time).
TEST_F(Sweep, PointsTheModelsCannotRunAreRefusedBeforeAnythingRuns) {
  const Outcome o = sweep({kData + "unrunnable_point.textproto", "-o", (dir_ / "out").string()});
  EXPECT_EQ(o.status, 2) << o.err;
  EXPECT_NE(o.err.find("at sweep point traffic.flow[rr].request_response.request_bytes=4000: flow \"rr\": a "
                       "request_bytes payload above 1472 B"),
            std::string::npos)
      << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

// `viosim plot` on a sweep folder draws the load curves (when the build
// has plotting; otherwise it says so with exit 2).
TEST_F(Sweep, PlotDrawsTheLoadCurvesOfASweep) {
  const fs::path out = dir_ / "out";
  ASSERT_EQ(sweep({kData + "resume.textproto", "--set", "run.duration_ms=10", "-o", out.string()}).status, 0);
  const Outcome o = wait(start({VIOSIM_BINARY, "plot", out.string()}));
  if (o.status == 2 && o.err.find("without plotting") != std::string::npos) GTEST_SKIP() << "no plotting in this build";
  ASSERT_EQ(o.status, 0) << o.err;
  for (const char* f : {"throughput_vs_load.png", "throughput_vs_load.svg", "latency_vs_load.png", "latency_vs_load.svg"}) {
    EXPECT_GT(fs::file_size(out / "plots" / f), 1000u) << f;
  }
}

TEST_F(Sweep, RejectsBadArguments) {
  EXPECT_EQ(sweep({kData + "resume.textproto", "-j0"}).status, 2);
  EXPECT_EQ(sweep({kData + "resume.textproto", "--resume"}).status, 2);  // no -o
  EXPECT_EQ(sweep({}).status, 2);
  const fs::path file_not_dir = dir_ / "file";
  std::ofstream(file_not_dir) << "x";
  EXPECT_EQ(sweep({kData + "resume.textproto", "-o", file_not_dir.string()}).status, 2);
}

}  // namespace

namespace {

// Ctrl-C: a run stops within a slice, writes nothing (no results folder, no
// staging folder beside it) and exits 130.
TEST_F(Sweep, SigintStopsARunLeavingNothing) {
  const fs::path out = dir_ / "run";
  const pid_t pid = start({VIOSIM_BINARY, "run", kData + "resume.textproto", "--set", "run.duration_ms=100000", "-o",
                           out.string()});
  // Wait until it is running (its progress line), then interrupt it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (slurp(dir_ / "stderr").find('%') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  const Outcome o = wait(pid);
  EXPECT_EQ(o.status, 130) << o.err;
  EXPECT_NE(o.err.find("interrupted"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(out));
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().find(".run.partial"), std::string::npos) << e.path();
  }
}

// SIGTERM on a sweep: the finished points stay, no partial file is left,
// the command to resume is printed, and the resumed sweep completes.
TEST_F(Sweep, SigtermStopsASweepThatThenResumes) {
  const std::string file = kData + "resume.textproto";
  const fs::path out = dir_ / "cut";
  const pid_t pid = start({VIOSIM_BINARY, "sweep", file, "-j2", "-o", out.string()});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count_files(out / "points", ".json") < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  const Outcome o = wait(pid);
  if (o.status == 0) GTEST_SKIP() << "the sweep finished before the signal; make resume.textproto longer";
  EXPECT_EQ(o.status, 130) << o.err;
  EXPECT_NE(o.err.find("--resume"), std::string::npos) << o.err;
  EXPECT_EQ(count_files(out / "points", ".json", true), 0) << "a partial point file was left";
  EXPECT_FALSE(fs::exists(out / "aggregate.csv"));
  const Outcome resumed = sweep({file, "-j2", "-o", out.string(), "--resume"});
  EXPECT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_TRUE(fs::exists(out / "aggregate.csv"));
}

// Output paths and trace windows are checked before anything runs.
TEST_F(Sweep, RunChecksItsPathsAndTraceWindowFirst) {
  const std::string file = kData + "base.textproto";
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {VIOSIM_BINARY, "run", file, "--set", "run.duration_ms=2", "--set", "run.warmup_ms=1"});
    return wait(start(std::move(args)));
  };
  const fs::path full = dir_ / "full";
  fs::create_directories(full);
  std::ofstream(full / "old") << "x";
  Outcome o = run({"-o", full.string()});
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("is not empty"), std::string::npos) << o.err;
  o = run({"-o", full.string(), "--force"});
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_FALSE(fs::exists(full / "old"));
  EXPECT_TRUE(fs::exists(full / "summary.json"));
  const fs::path empty = dir_ / "empty";
  fs::create_directories(empty);
  o = run({"-o", empty.string()});
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_TRUE(fs::exists(empty / "summary.json"));
  o = run({"-o", (dir_ / "full" / "summary.json" / "x").string()});
  EXPECT_EQ(o.status, 2) << o.err;
  // Folders on the way are created (scripts/run.sh writes runs/NAME-TIME
  // in a fresh clone, where runs/ does not exist yet).
  o = run({"-o", (dir_ / "new" / "deeper" / "out").string()});
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_TRUE(fs::exists(dir_ / "new" / "deeper" / "out" / "summary.json"));
  o = run({"-o", (dir_ / "w1").string(), "--trace-window", "1ms..1.5ms"});
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("--trace"), std::string::npos) << o.err;
  o = run({"-o", (dir_ / "w2").string(), "--trace", (dir_ / "t.json").string(), "--trace-window", "1.5ms..1ms"});
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("reversed"), std::string::npos) << o.err;
  o = run({"-o", (dir_ / "w3").string(), "--trace", (dir_ / "t.json").string(), "--trace-window", "1ms..5ms"});
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("ends after the run"), std::string::npos) << o.err;
  o = run({"-o", (dir_ / "w4").string(), "--trace", dir_.string()});
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("is a folder"), std::string::npos) << o.err;
  for (const char* w : {"w1", "w2", "w3", "w4"}) EXPECT_FALSE(fs::exists(dir_ / w)) << w;
}

}  // namespace

namespace {

// Sweep tables carry each flow's own figures beside the backend's pooled
// ones: the request/response probe's round trip apart from the stream's
// one-way latency.
TEST_F(Sweep, TablesHaveEachFlowsOwnColumns) {
  const fs::path out = dir_ / "out";
  const Outcome o =
      sweep({kData + "resume.textproto", "--set", "run.duration_ms=10", "--set", "sweep.replications=1", "-o",
             out.string()});
  ASSERT_EQ(o.status, 0) << o.err;
  for (const char* table : {"points.csv", "aggregate.csv"}) {
    std::istringstream csv(slurp(out / table));
    std::string header;
    std::getline(csv, header);
    for (const char* column : {"flow[rr].latency_p99_us", "flow[load].latency_p99_us", "flow[load].drops"}) {
      EXPECT_NE(header.find(column), std::string::npos) << table << ": " << header;
    }
    const auto commas = std::count(header.begin(), header.end(), ',');
    for (std::string line; std::getline(csv, line);) {
      EXPECT_EQ(std::count(line.begin(), line.end(), ','), commas) << table << ": " << line;
    }
  }
}

}  // namespace
