// `viosim plan FILE`: the answer to the scenario's plan { } (the most VMs,
// the fewest cores, the highest rate under its SLOs) per axis point and
// backend, searched probe by probe (scenarios/plan), printed on one screen
// and, with -o, written as a folder whose point store makes it resumable.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/plotting.h"
#include "cli/signals.h"
#include "models/paths/cancelled.h"
#include "scenarios/loader/loader.h"
#include "scenarios/plan/answer_task.h"
#include "scenarios/plan/plan_tables.h"
#include "scenarios/plan/plan_tasks.h"
#include "scenarios/plan/probe_runner.h"
#include "scenarios/sweep/atomic_file.h"
#include "scenarios/sweep/mpi_runner.h"
#include "scenarios/sweep/parallel_for.h"
#include "scenarios/sweep/point_id.h"
#include "scenarios/sweep/sweep_folder.h"

namespace viosim::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] =
    "usage: viosim plan FILE [-j N] [-o DIR] [--resume] [--set field.path=value]... [--backend NAME]\n"
    "                   [--mpi] [--shard K/N] [--collect] [--no-plots]\n"
    "\n"
    "Answers FILE's plan { }: the largest value of a count (most), the smallest\n"
    "(fewest) or the highest total rate of open-loop flows (highest_rate) at\n"
    "which every SLO holds, for each backend FILE compares and at each point of\n"
    "its sweep. Counts are searched by doubling from min (most) or halving from\n"
    "max (fewest), then bisection; rates from max down by halving, then\n"
    "bisection to the plan's precision. Each probe runs min_replications\n"
    "replications and adds one at a time, up to max_replications, while the\n"
    "95 % interval of an SLO figure straddles its bound; a probe still\n"
    "straddling it is undecided and counts as not passing. A value at which\n"
    "the scenario is not valid (more VMs than cores, say) is refused and is\n"
    "where the answer stops, with the reason.\n"
    "\n"
    "The answer comes with the figures there, the first value beyond it that\n"
    "did not pass and why, and the busiest cores at both by work (busy minus\n"
    "busy-polling). Where a probe that asks more shows an SLO figure clearly\n"
    "better than one that asks less (a tipping point the search, which\n"
    "assumes figures only get worse, may have stepped over), the answer says\n"
    "so in a warning.\n"
    "\n"
    "options:\n"
    "  -j, --jobs N       runs at once (default: all cores)\n"
    "  -o, --output DIR   the plan folder: plan.textproto (the scenario and plan),\n"
    "                     scenario.textproto and points/ (every run, as a sweep\n"
    "                     keeps them), plan.json, plan.csv, probes.csv and plots/\n"
    "  --resume           continue the plan in DIR, or answer another plan over the\n"
    "                     same scenario: runs already there are read, not run again\n"
    "  --set PATH=VALUE   override a field of the scenario (repeatable)\n"
    "  --backend NAME     plan only this backend, on every VM\n"
    "  --mpi              split the answers over MPI ranks (mpirun -np K viosim plan\n"
    "                     FILE -o DIR --mpi; DIR on a file system every rank sees)\n"
    "  --shard K/N        answer only the K-th of N slices of the answers into DIR\n"
    "                     (a Slurm job array); the last shard to finish writes the\n"
    "                     report\n"
    "  --collect          run nothing: write the report from DIR's runs (exit 1\n"
    "                     naming a missing run)\n"
    "  --no-plots         skip the plots\n"
    "  --help             this text\n"
    "\n"
    "The same scenario and seed give the same probes and answers, whatever -j.\n"
    "Ctrl-C (SIGINT) or SIGTERM stops within a slice of simulated time; with -o\n"
    "the finished runs stay and --resume continues.\n"
    "\n"
    "exit status: 0 ok, 1 a run failed or --collect found runs missing, 2 bad\n"
    "scenario, plan, arguments or folder, 130 interrupted\n";

struct Settings {
  std::string file;
  scenarios::LoadOptions load;
  int jobs = 1;
  fs::path dir;
  bool resume = false;
  bool mpi = false;
  std::optional<Shard> shard;
  bool collect = false;
  bool plots = true;
};

std::optional<int> parse(const Args& args, Settings* s) {
  const auto parsed = parse_args("plan", args,
                                 {{"--jobs", "-j", true, false},
                                  {"--output", "-o", true, false},
                                  {"--resume", "", false, false},
                                  {"--set", "", true, true},
                                  {"--backend", "", true, false},
                                  {"--mpi", "", false, false},
                                  {"--shard", "", true, false},
                                  {"--collect", "", false, false},
                                  {"--no-plots", "", false, false}},
                                 kUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (parsed->positional.empty()) return usage_error("plan", "no scenario file given", kUsage);
  if (parsed->positional.size() > 1) {
    return usage_error("plan", "one scenario file at a time; got " + std::to_string(parsed->positional.size()), kUsage);
  }
  s->file = parsed->positional.front();
  const auto& v = parsed->values;
  if (auto it = v.find("--set"); it != v.end()) s->load.set = it->second;
  if (auto it = v.find("--backend"); it != v.end()) s->load.backend = it->second.front();
  s->resume = v.count("--resume") > 0;
  s->mpi = v.count("--mpi") > 0;
  s->collect = v.count("--collect") > 0;
  s->plots = v.count("--no-plots") == 0;
  s->jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (auto it = v.find("--jobs"); it != v.end()) {
    const std::string& text = it->second.front();
    char* end = nullptr;
    const long jobs = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || jobs < 1 || jobs > 4096) {
      return usage_error("plan", "-j takes a number of runs at once from 1 to 4096, not \"" + text + "\"", kUsage);
    }
    s->jobs = static_cast<int>(jobs);
  }
  if (auto it = v.find("--shard"); it != v.end()) {
    s->shard = parse_shard(it->second.front());
    if (!s->shard) {
      return usage_error("plan", "--shard takes K/N with 1 <= K <= N, e.g. 3/8, not \"" + it->second.front() + "\"",
                         kUsage);
    }
    if (s->mpi) return usage_error("plan", "--shard and --mpi are two ways to split a plan; use one", kUsage);
    s->resume = true;  // the shards share the folder
  }
  if (s->collect && (s->shard || s->mpi)) {
    return usage_error("plan", "--collect runs nothing; give it without --shard or --mpi", kUsage);
  }
  if (auto it = v.find("--output"); it != v.end()) {
    if (it->second.front().empty()) return usage_error("plan", "option --output needs a directory", kUsage);
    s->dir = it->second.front();
  } else if (s->resume || s->mpi || s->collect) {
    const char* what = s->shard ? "--shard" : s->mpi ? "--mpi" : s->collect ? "--collect" : "--resume";
    return usage_error("plan", std::string(what) + " needs the plan's folder: -o DIR", kUsage);
  }
  if (s->mpi && !sweep::mpi_built()) {
    std::cerr << "viosim plan: this viosim was built without MPI; configure with -DVIOSIM_MPI=ON (needs "
                 "libopenmpi-dev)\n";
    return kExitBadInput;
  }
  return std::nullopt;
}

// "viosim plan FILE -o DIR --set ... --backend ...": what continues or
// collects this plan (its folder checks the same options).
std::string command_line(const Settings& s) {
  std::string text = "viosim plan " + s.file + " -o " + s.dir.string();
  for (const std::string& set : s.load.set) text += " --set '" + set + "'";
  if (!s.load.backend.empty()) text += " --backend " + s.load.backend;
  return text;
}

std::string task_name(const plan::PlanTask& task) {
  std::string text = task.backend;
  for (size_t a = 0; a < task.axis_fields.size(); ++a) {
    text += (a ? ", " : " at ") + task.axis_fields[a] + "=" + task.axis_values[a];
  }
  return text;
}

// Returned by answer() when runs are missing from the store (--collect, a
// shard before the others are done).
constexpr int kRunsMissing = -1;

// Answers the tasks whose index i has i % slices == slice, on `jobs` run
// slots. Returns kExitOk, kExitFailure (a run failed, said),
// kExitInterrupted or kRunsMissing; fills `answers` (by task index) when
// `answers` is given.
int answer(const viosim::Scenario& scenario, const plan::PlanTasks& tasks, plan::RunnerOptions options, int slice,
           int slices, std::vector<viosim::PlanAnswer>* answers, bool loud, bool say_missing = true) {
  plan::ProbeRunner runner(options);
  std::vector<size_t> mine;
  for (size_t i = 0; i < tasks.tasks.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(slices)) == slice) mine.push_back(i);
  }
  std::mutex io;
  std::atomic<bool> failed{false}, cancelled{false}, missing{false};  // failed: by anything but a missing run
  if (answers) answers->assign(tasks.tasks.size(), {});
  sweep::parallel_for(mine.size(), options.jobs, [&](size_t k) {
    if (failed || missing || cancelled) return;
    const plan::PlanTask& task = tasks.tasks[mine[k]];
    try {
      auto log = [&](const std::string& line) {
        if (!loud) return;
        std::lock_guard lock(io);
        std::cerr << "viosim plan: " << line << "\n";
      };
      viosim::PlanAnswer a = plan::answer_task(task, scenario.plan(), runner, log);
      if (answers) (*answers)[mine[k]] = std::move(a);
    } catch (const models::Cancelled&) {
      cancelled = true;
    } catch (const plan::MissingRun& e) {
      missing = true;
      if (!say_missing) return;
      std::lock_guard lock(io);
      std::cerr << "viosim plan: " << task_name(task) << ": " << e.what()
                << "; let every shard finish (or run it again) and collect again\n";
    } catch (const std::exception& e) {
      failed = true;
      std::lock_guard lock(io);
      std::cerr << "viosim plan: " << task_name(task) << ": a run failed: " << e.what() << "\n";
    }
  });
  if (loud && runner.runs_made() + runner.runs_read() > 0) {
    std::cerr << "viosim plan: " << runner.runs_made() << " run(s) made here";
    if (runner.runs_read() > 0) std::cerr << ", " << runner.runs_read() << " read from the folder";
    std::cerr << "\n";
  }
  if (cancelled || interrupted()) return kExitInterrupted;
  if (failed) return kExitFailure;
  return missing ? kRunsMissing : kExitOk;
}

viosim::PlanReport report_of(const viosim::Scenario& scenario, const plan::PlanTasks& tasks,
                             std::vector<viosim::PlanAnswer> answers) {
  viosim::PlanReport report;
  report.set_scenario_name(scenario.name());
  report.set_viosim_version(std::string(sweep::viosim_version()));
  report.set_objective(tasks.objective);
  report.set_searched(tasks.searched);
  if (!tasks.tasks.empty()) {
    for (const plan::Criterion& c : tasks.tasks.front().criteria) report.add_slo(c.text);
  }
  for (const std::string& f : tasks.axis_fields) report.add_axis_fields(f);
  for (viosim::PlanAnswer& a : answers) *report.add_answers() = std::move(a);
  return report;
}

// Prints the report and, with a folder, writes its files.
int publish(const Settings& s, const viosim::PlanReport& report) {
  std::cout << plan::plan_text(report);
  if (s.dir.empty()) return kExitOk;
  try {
    sweep::write_file_atomically(s.dir / "plan.json", plan::plan_json(report));
    sweep::write_file_atomically(s.dir / "plan.csv", plan::plan_csv(report));
    sweep::write_file_atomically(s.dir / "probes.csv", plan::probes_csv(report));
    if (s.plots && plotting_available()) {
      write_plan_plots(report, (s.dir / "plots").string());
    } else if (s.plots) {
      std::cerr << "viosim plan: no plots: " << kNoPlotting << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "viosim plan: " << e.what() << "\n";
    return kExitFailure;
  }
  std::cout << "results: " << s.dir.string() << "\n";
  return kExitOk;
}

}  // namespace

int plan_command(const Args& args) {
  Settings s;
  if (auto status = parse(args, &s)) return *status;
  std::unique_ptr<sweep::MpiSession> mpi;
  if (s.mpi) mpi = std::make_unique<sweep::MpiSession>();
  const bool leader = !mpi || mpi->rank() == 0;

  auto loaded = scenarios::load_scenario(s.file, s.load);
  if (!loaded.ok()) {
    if (leader) std::cerr << scenarios::format_diagnostics(loaded.diagnostics);
    return kExitBadInput;
  }
  if (leader) std::cerr << scenarios::format_diagnostics(loaded.warnings);
  const viosim::Scenario& scenario = *loaded.scenario;
  if (!scenario.has_plan()) {
    if (leader) {
      std::cerr << "viosim plan: " << s.file << " has no plan { } block: say what to answer, e.g.\n"
                << "  plan { most { field: \"vm[web].count\" max: 64 } slo { flow: \"probe\" p99_us_max: 100 } }\n";
    }
    return kExitBadInput;
  }
  plan::PlanTasks tasks;
  try {
    tasks = plan::plan_tasks(scenario);
  } catch (const plan::PlanError& e) {
    if (leader) std::cerr << s.file << ": error: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (!s.dir.empty()) {
    int status = kExitOk;
    if (leader && s.collect && !fs::is_directory(s.dir / "points")) {
      std::cerr << "viosim plan: " << s.dir.string() << " is not a plan folder (no points/)\n";
      status = kExitBadInput;
    } else if (leader) {
      try {
        // The runs belong to the scenario without its plan: a plan with
        // other SLOs or bounds resumes the folder and reuses them.
        viosim::Scenario without_plan = scenario;
        without_plan.clear_question();
        sweep::prepare_sweep_folder(s.dir, s.resume || s.collect, without_plan, "scenario.textproto");
        sweep::write_file_atomically(s.dir / "plan.textproto", scenarios::to_textproto(scenario));
      } catch (const sweep::FolderError& e) {
        std::cerr << "viosim plan: " << e.what() << "\n";
        status = kExitBadInput;
      } catch (const std::exception& e) {
        std::cerr << "viosim plan: " << e.what() << "\n";
        status = kExitFailure;
      }
    }
    if (mpi) status = mpi->broadcast(status);
    if (status != kExitOk) return status;
  }
  if (leader) {
    std::cerr << "viosim plan: " << tasks.objective << ", " << tasks.tasks.size() << " answer(s) to find";
    if (s.shard) std::cerr << ", shard " << s.shard->k << "/" << s.shard->n;
    if (mpi) std::cerr << " over " << mpi->size() << " MPI ranks";
    std::cerr << ", " << scenario.plan().min_replications() << " to " << scenario.plan().max_replications()
              << " replications per probe\n";
  }

  plan::RunnerOptions options;
  options.jobs = s.jobs;
  if (!s.dir.empty()) options.points_dir = sweep::points_dir(s.dir);
  options.cancel = &interrupt_flag();
  // Answer this process's share: every task, a shard's, or a rank's.
  if (!s.collect && (s.shard || mpi)) {
    const int slice = s.shard ? s.shard->k - 1 : mpi->rank();
    const int slices = s.shard ? s.shard->n : mpi->size();
    int status = answer(scenario, tasks, options, slice, slices, nullptr, true);
    // Every rank's share is in the store once all are here; then rank 0
    // reads the report from it.
    if (mpi) status = mpi->max_over_ranks(status);
    if (status == kExitInterrupted && leader) {
      std::cerr << "viosim plan: interrupted; the finished runs are saved in " << s.dir.string()
                << ". Continue with:\n  " << (mpi ? "mpirun ... " : "") << command_line(s) << " "
                << (mpi ? "--mpi --resume" : "--shard " + std::to_string(s.shard->k) + "/" + std::to_string(s.shard->n))
                << "\n";
    }
    if (status != kExitOk || !leader) return status;
  }
  // The report: with a store filled by shards or ranks (or for --collect),
  // read from it alone; otherwise answered here.
  options.run_missing = !(s.collect || s.shard || mpi);
  std::vector<viosim::PlanAnswer> answers;
  const int status = answer(scenario, tasks, options, 0, 1, &answers, options.run_missing, !s.shard);
  if (status == kExitInterrupted) {
    std::cerr << "viosim plan: interrupted";
    if (s.dir.empty()) {
      std::cerr << "; nothing was written\n";
    } else {
      std::cerr << "; the finished runs are saved. Continue with:\n  " << command_line(s) << " --resume\n";
    }
    return status;
  }
  if (status == kRunsMissing && s.shard) {
    std::cerr << "viosim plan: shard " << s.shard->k << "/" << s.shard->n << " done; when every shard is:\n"
              << "  " << command_line(s) << " --collect\n";
    return kExitOk;
  }
  if (status != kExitOk) return status == kRunsMissing ? kExitFailure : status;
  return publish(s, report_of(scenario, tasks, std::move(answers)));
}

}  // namespace viosim::cli
