// `viosim sweep FILE`: expand the scenario's sweep into points (axis values
// x compared backends x replications), run the missing ones on worker
// threads or MPI ranks, each point's result written as it finishes, then
// write points.csv and aggregate.csv from the point files.
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <thread>
#include <variant>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/signals.h"
#include "scenarios/loader/loader.h"
#include "scenarios/sweep/local_runner.h"
#include "scenarios/sweep/mpi_runner.h"
#include "scenarios/sweep/sweep_folder.h"

namespace viosim::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] =
    "usage: viosim sweep FILE [-j N] [-o DIR] [--resume] [--set field.path=value]... [--mpi]\n"
    "                    [--shard K/N] [--collect]\n"
    "\n"
    "Runs FILE's sweep: every point of its axes (crossed or zipped) for every\n"
    "compared backend and replication, each point one run of one backend.\n"
    "Each point's result is written to DIR/points/ID.json as it finishes; at\n"
    "the end DIR gets points.csv (one row per point and replication),\n"
    "aggregate.csv (mean and 95 % confidence interval across replications)\n"
    "and sweep.textproto (the resolved scenario).\n"
    "\n"
    "options:\n"
    "  -j, --jobs N       worker threads (default: all cores)\n"
    "  -o, --output DIR   the sweep folder (default: sweeps/NAME-TIME)\n"
    "  --resume           finish the sweep in DIR: run only points without a result\n"
    "  --set PATH=VALUE   override a field of the base scenario (repeatable)\n"
    "  --mpi              distribute points over MPI ranks: mpirun -np K viosim sweep FILE --mpi\n"
    "                     (DIR must be on a file system every rank sees)\n"
    "  --shard K/N        run only the K-th of N disjoint slices of the points, into\n"
    "                     DIR (made or resumed as needed): N processes, say a Slurm\n"
    "                     job array, cover the sweep; the last to finish writes the\n"
    "                     tables\n"
    "  --collect          run nothing: write the tables of DIR once every point has\n"
    "                     its file (exit 1 naming what is missing otherwise)\n"
    "  --help             this text\n"
    "\n"
    "Replication 0 runs the scenario's seed; replication r runs the r-th output\n"
    "of splitmix64 seeded with it. A point's ID hashes its resolved scenario and\n"
    "the viosim version, so --resume never mixes in results of a changed\n"
    "scenario or build.\n"
    "\n"
    "Processes sharing DIR (two --resume, shards) never run a point twice: a\n"
    "point runs under a lock file (flock) that its runner's exit releases.\n"
    "\n"
    "Ctrl-C (SIGINT) or SIGTERM stops the points running within a slice of\n"
    "simulated time; finished points stay saved and the command to resume is\n"
    "printed.\n"
    "\n"
    "exit status: 0 ok, 1 a point failed (fix it, then --resume) or no point\n"
    "ran, 2 bad scenario, arguments or folder (--resume of a folder made from\n"
    "another scenario or options), 130 interrupted\n";

struct Settings {
  std::string file;
  fs::path dir;
  int jobs = 0;
  bool resume = false;
  bool mpi = false;
  std::optional<Shard> shard;
  bool collect = false;
  scenarios::LoadOptions load;
};

// Parses the arguments; returns an exit status when there is nothing to run.
std::optional<int> parse(const Args& args, Settings* settings) {
  const auto parsed = parse_args("sweep", args,
                                 {{"--jobs", "-j", true, false},
                                  {"--output", "-o", true, false},
                                  {"--resume", "", false, false},
                                  {"--set", "", true, true},
                                  {"--mpi", "", false, false},
                                  {"--shard", "", true, false},
                                  {"--collect", "", false, false}},
                                 kUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (parsed->positional.empty()) return usage_error("sweep", "no scenario file given", kUsage);
  if (parsed->positional.size() > 1) {
    return usage_error("sweep", "one scenario file at a time; got " + std::to_string(parsed->positional.size()),
                       kUsage);
  }
  settings->file = parsed->positional.front();
  const auto& v = parsed->values;
  settings->resume = v.count("--resume") > 0;
  settings->mpi = v.count("--mpi") > 0;
  if (auto it = v.find("--set"); it != v.end()) settings->load.set = it->second;
  settings->collect = v.count("--collect") > 0;
  if (auto it = v.find("--shard"); it != v.end()) {
    settings->shard = parse_shard(it->second.front());
    if (!settings->shard) {
      return usage_error("sweep", "--shard takes K/N with 1 <= K <= N, e.g. 3/8, not \"" + it->second.front() + "\"",
                         kUsage);
    }
    if (settings->mpi) return usage_error("sweep", "--shard and --mpi are two ways to split a sweep; use one", kUsage);
    settings->resume = true;  // the shards share the folder
  }
  if (settings->collect && (settings->shard || settings->mpi)) {
    return usage_error("sweep", "--collect runs nothing; give it without --shard or --mpi", kUsage);
  }
  if (auto it = v.find("--jobs"); it != v.end()) {
    const std::string& text = it->second.front();
    char* end = nullptr;
    const long jobs = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || jobs < 1 || jobs > 4096) {
      return usage_error("sweep", "-j takes a number of workers from 1 to 4096, not \"" + text + "\"", kUsage);
    }
    if (settings->mpi) {
      return usage_error("sweep", "with --mpi each rank runs one point at a time; start more ranks instead of -j",
                         kUsage);
    }
    settings->jobs = static_cast<int>(jobs);
  } else {
    settings->jobs = std::max(1u, std::thread::hardware_concurrency());
  }
  if (auto it = v.find("--output"); it != v.end()) {
    if (it->second.front().empty()) return usage_error("sweep", "option --output needs a directory", kUsage);
    settings->dir = it->second.front();
  } else if (settings->shard || settings->collect) {
    return usage_error("sweep",
                       std::string(settings->shard ? "--shard" : "--collect") +
                           " needs the sweep's folder, the same for every shard: -o DIR",
                       kUsage);
  } else if (settings->resume) {
    return usage_error("sweep", "--resume needs the sweep's folder: -o DIR", kUsage);
  }
  if (settings->mpi && !sweep::mpi_built()) {
    std::cerr << "viosim sweep: this viosim was built without MPI; configure with -DVIOSIM_MPI=ON (needs "
                 "libopenmpi-dev)\n";
    return kExitBadInput;
  }
  return std::nullopt;
}

fs::path default_dir(const std::string& file) {
  char stamp[32];
  const std::time_t t = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&t));
  return fs::path("sweeps") / (fs::path(file).stem().string() + "-" + stamp);
}

// Loads and expands; prints errors when `loud`. Returns the plan or a status.
std::variant<sweep::SweepPlan, int> plan(const Settings& settings, bool loud) {
  const auto result = scenarios::load_scenario(settings.file, settings.load);
  if (!result.ok()) {
    if (loud) std::cerr << scenarios::format_diagnostics(result.diagnostics);
    return kExitBadInput;
  }
  if (loud) std::cerr << scenarios::format_diagnostics(result.warnings);
  if (loud && result.scenario->has_plan()) {
    std::cerr << "viosim sweep: " << settings.file << " has a plan; the sweep runs its points as written (viosim plan "
              << "answers the plan at each of them)\n";
  }
  // The loader checked every point (rules and builder); expansion cannot
  // fail on what it accepted, but say so if it does.
  try {
    return sweep::plan_sweep(*result.scenario);
  } catch (const sweep::SweepError& e) {
    if (loud) std::cerr << settings.file << ": error: " << e.what() << "\n";
  }
  if (loud) {
    std::cerr << "viosim sweep: nothing was run\n";
  }
  return kExitBadInput;
}

// Prepares the folder and lists the points to run (rank 0 / local only).
int prepare(const Settings& settings, const sweep::SweepPlan& plan, std::vector<size_t>* pending) {
  try {
    sweep::prepare_sweep_folder(settings.dir, settings.resume, plan.base);
    *pending = sweep::missing_points(plan, settings.dir);
    if (settings.shard) *pending = sweep::shard_of(*pending, settings.shard->k, settings.shard->n);
  } catch (const sweep::FolderError& e) {
    std::cerr << "viosim sweep: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "viosim sweep: " << e.what() << "\n";
    return kExitFailure;
  }
  size_t backends = 0;
  for (const auto& p : plan.points) backends += p.axis_point == 0 && p.replication == 0;
  std::cerr << "viosim sweep: " << plan.points.size() << " points (" << plan.grid.points.size() << " axis points x "
            << backends << " backends x " << plan.replications << " replications), " << pending->size() << " to run"
            << (settings.shard
                    ? " in shard " + std::to_string(settings.shard->k) + "/" + std::to_string(settings.shard->n)
                : settings.resume ? ", the rest already done"
                                  : "")
            << "\n";
  return kExitOk;
}

// After a shard that leaves points without a result: how to collect the
// tables once the other shards are done.
int finish_shard(const Settings& settings, const sweep::SweepPlan& plan, const sweep::RunReport& report) {
  const size_t missing = sweep::missing_points(plan, settings.dir).size();
  std::cerr << "viosim sweep: shard " << settings.shard->k << "/" << settings.shard->n << " done (" << report.ran
            << " point(s) run";
  if (report.failed > 0) std::cerr << ", " << report.failed << " failed";
  std::cerr << "); " << missing << " point(s) of the sweep still have no result (other shards). When every shard "
            << "has finished:\n  viosim sweep " << settings.file << " -o " << settings.dir.string() << " --collect\n";
  return report.failed > 0 ? kExitFailure : kExitOk;
}

int finish(const Settings& settings, const sweep::SweepPlan& plan, const sweep::RunReport& report);

// --collect: the tables from the point files, or what is missing.
int collect(const Settings& settings) {
  auto planned = plan(settings, true);
  if (const int* status = std::get_if<int>(&planned)) return *status;
  const sweep::SweepPlan& p = std::get<sweep::SweepPlan>(planned);
  if (!fs::is_directory(settings.dir / "points")) {
    std::cerr << "viosim sweep: " << settings.dir.string() << " is not a sweep folder (no points/)\n";
    return kExitBadInput;
  }
  std::vector<size_t> missing;
  Settings resumed = settings;  // the folder as it is: checked against the scenario, not emptied
  resumed.resume = true;
  if (const int status = prepare(resumed, p, &missing); status != kExitOk) return status;
  if (!missing.empty()) {
    std::cerr << "viosim sweep: " << missing.size() << " of " << p.points.size() << " points have no result yet, first "
              << sweep::describe_point(p, missing.front())
              << "; let the shards finish (or run them again with --shard K/N) and collect again\n";
    return kExitFailure;
  }
  return finish(settings, p, sweep::RunReport{});
}

// Writes the tables and prints what was skipped (rank 0 / local only).
int finish(const Settings& settings, const sweep::SweepPlan& plan, const sweep::RunReport& report) {
  if (report.failed > 0) {
    std::cerr << "viosim sweep: " << report.failed << " point(s) failed; the others are saved. Fix the cause and "
              << "run again with --resume -o " << settings.dir.string() << "\n";
    return kExitFailure;
  }
  try {
    const auto records = sweep::collect_points(plan, settings.dir);
    // Points whose runs look suspicious (a flow that delivered nothing, a
    // warm-up shorter than the start-up transient, a backlog still growing):
    // the first few, then how many.
    size_t ran = 0, warned = 0;
    for (size_t i = 0; i < records.size(); ++i) {
      ran += records[i].has_result();
      if (records[i].warnings_size() == 0) continue;
      if (++warned <= 5) {
        std::cerr << "viosim sweep: warning: " << sweep::describe_point(plan, i) << ": " << records[i].warnings(0)
                  << "\n";
      }
    }
    if (warned > 5) std::cerr << "viosim sweep: ... and " << warned - 5 << " more points with warnings\n";
    if (ran == 0) {
      std::cerr << "viosim sweep: no point ran (every one was skipped); nothing to tabulate\n";
      return kExitFailure;
    }
    std::map<std::pair<std::string, std::string>, size_t> skipped;  // (backend, reason) -> points
    for (const auto& r : records) {
      if (!r.has_result()) ++skipped[{r.backend(), r.skipped_reason()}];
    }
    for (const auto& [what, count] : skipped) {
      std::cerr << "viosim sweep: skipped " << what.first << " at " << count << " of " << records.size()
                << " points: " << what.second << "\n";
    }
    sweep::write_sweep_tables(settings.dir, plan, records);
    std::cerr << "viosim sweep: " << report.ran << " point(s) run here";
    if (report.by_others > 0) std::cerr << ", " << report.by_others << " by another process working on the folder";
    std::cerr << "\n";
  } catch (const std::exception& e) {
    std::cerr << "viosim sweep: " << e.what() << "\n";
    return kExitFailure;
  }
  std::cout << "results: " << settings.dir.string() << "\n";
  return kExitOk;
}

int run_local(const Settings& settings) {
  auto planned = plan(settings, true);
  if (const int* status = std::get_if<int>(&planned)) return *status;
  const sweep::SweepPlan& p = std::get<sweep::SweepPlan>(planned);
  std::vector<size_t> pending;
  if (const int status = prepare(settings, p, &pending); status != kExitOk) return status;
  sweep::Progress progress(std::cerr, ::isatty(STDERR_FILENO) != 0, p.points.size(), pending.size());
  const sweep::RunReport report = sweep::run_points_locally(p, pending, sweep::points_dir(settings.dir),
                                                            settings.jobs, &progress, &interrupt_flag());
  progress.finish();
  if (report.interrupted) {
    // The finished points are saved, each whole; the ones running were
    // abandoned and left no file.
    std::string command = "viosim sweep " + settings.file + " -o " + settings.dir.string() + " --resume";
    for (const std::string& s : settings.load.set) command += " --set " + s;
    if (!settings.load.backend.empty()) command += " --backend " + settings.load.backend;
    if (settings.shard)
      command += " --shard " + std::to_string(settings.shard->k) + "/" + std::to_string(settings.shard->n);
    std::cerr << "\nviosim sweep: interrupted; " << report.ran << " more point(s) are saved in "
              << settings.dir.string() << ". Resume with:\n  " << command << "\n";
    return kExitInterrupted;
  }
  if (settings.shard && (report.failed > 0 || !sweep::missing_points(p, settings.dir).empty())) {
    return finish_shard(settings, p, report);
  }
  return finish(settings, p, report);
}

int run_mpi(const Settings& settings) {
  sweep::MpiSession mpi;
  const bool leader = mpi.rank() == 0;
  // Every rank expands the scenario itself (the same way); only rank 0 talks.
  auto planned = plan(settings, leader);
  if (const int* status = std::get_if<int>(&planned)) return *status;
  const sweep::SweepPlan& p = std::get<sweep::SweepPlan>(planned);
  std::vector<size_t> pending;
  int status = leader ? prepare(settings, p, &pending) : kExitOk;
  if (leader && status == kExitOk) {
    std::cerr << "viosim sweep: " << mpi.size() << " MPI ranks\n";
  }
  status = mpi.broadcast(status);
  if (status != kExitOk) return status;
  std::unique_ptr<sweep::Progress> progress;
  if (leader) {
    progress = std::make_unique<sweep::Progress>(std::cerr, ::isatty(STDERR_FILENO) != 0, p.points.size(),
                                                 pending.size());
  }
  const sweep::RunReport report = sweep::run_points_mpi(mpi, p, pending, sweep::points_dir(settings.dir),
                                                        progress.get());
  if (leader) {
    progress->finish();
    status = finish(settings, p, report);
  }
  return mpi.broadcast(status);
}

}  // namespace

int sweep_command(const Args& args) {
  Settings settings;
  if (auto status = parse(args, &settings)) return *status;
  if (settings.dir.empty()) settings.dir = default_dir(settings.file);
  if (settings.collect) return collect(settings);
  return settings.mpi ? run_mpi(settings) : run_local(settings);
}

}  // namespace viosim::cli
