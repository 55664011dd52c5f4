// `viosim search FILE`: the zero-loss rate (NDR) and the partial-drop rate
// (PDR) of each compared backend, by trials at rates the search chooses
// (scenarios/search), printed as a table and, with -o, written as a folder.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/output_paths.h"
#include "cli/signals.h"
#include "models/paths/cancelled.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/loader.h"
#include "scenarios/runner/results_folder.h"
#include "scenarios/runner/run_scenario.h"
#include "scenarios/search/search_plan.h"
#include "scenarios/search/search_tables.h"
#include "scenarios/search/searched_traffic.h"
#include "scenarios/sweep/atomic_file.h"

namespace viosim::cli {
namespace {

constexpr char kUsage[] =
    "usage: viosim search FILE [--flow NAME]... [--loss-ratio R] [--precision P]\n"
    "                     [--max-rate-pps N] [--min-rate-pps N] [--max-trials N]\n"
    "                     [-j N] [-o DIR [--force]] [--set field.path=value]... [--backend NAME]\n"
    "\n"
    "Finds, for each backend FILE compares, the highest offered rate its path\n"
    "carries with no packet lost (NDR) and with at most R of the packets lost\n"
    "(PDR), as RFC 2544 and FD.io CSIT measure them. Each trial runs the\n"
    "scenario (run.duration_ms, with its warm-up) with the searched flows at\n"
    "one total rate, in the proportions the scenario gives them. A trial\n"
    "fails when it loses more than allowed anywhere on the path (counted over\n"
    "the whole run), or when a searched flow's latency is still rising at its\n"
    "end: a backlog that a longer trial would lose.\n"
    "\n"
    "The first trial is at the highest rate; if it fails the next tries the\n"
    "rate the path delivered in it; then steps double away from the last\n"
    "result until the other side is found, and halve the interval until the\n"
    "lowest failing rate is within P of the highest passing one.\n"
    "\n"
    "A scenario with a sweep is searched at every axis point (each search runs\n"
    "the scenario's seed; replications are not searched): the tables get a\n"
    "column per swept field, and the folder holds the tables and the scenario.\n"
    "\n"
    "options:\n"
    "  --flow NAME         a searched open-loop flow (repeatable; default: every\n"
    "                      open-loop flow); a bidirectional flow counts both ways\n"
    "  --loss-ratio R      the loss allowed at the PDR, 0 to 0.5 (default 0.005)\n"
    "  --precision P       relative width goal, 0.0001 to 0.5 (default 0.005)\n"
    "  --max-rate-pps N    the first and highest total rate tried (default: the\n"
    "                      line rate of the searched flows' host NICs; needed\n"
    "                      when they cross none)\n"
    "  --min-rate-pps N    the lowest rate tried (default: max / 1000)\n"
    "  --max-trials N      trials per backend at most, 2 to 1000 (default 40)\n"
    "  -j, --jobs N        searches run at once (default: all cores)\n"
    "  -o, --output DIR    also write a folder: search.csv (the rates), trials.csv\n"
    "                      (every trial), the scenario searched, and each\n"
    "                      backend's trial at its NDR as a results folder holds\n"
    "                      a run (summary.json, results.csv, latency_cdf.csv)\n"
    "  --force             replace DIR if it exists and is not empty\n"
    "  --set PATH=VALUE    override a field of the scenario (repeatable)\n"
    "  --backend NAME      search only this backend, on every VM\n"
    "  --help              this text\n"
    "\n"
    "The same scenario, seed and options give the same trials and rates.\n"
    "Ctrl-C (SIGINT) or SIGTERM stops within a slice of simulated time and\n"
    "writes nothing.\n"
    "\n"
    "exit status: 0 ok, 1 a trial failed to run or a search did not reach\n"
    "its precision within --max-trials, 2 bad scenario, flows, sweep or arguments,\n"
    "130 interrupted\n";

struct Settings {
  std::string file;
  scenarios::LoadOptions load;
  search::SearchOptions search;  // the flows, the settings, which bounds were given
  int jobs = 1;
  std::string out_dir;
  bool force = false;
};

std::optional<double> parse_number(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Parses the options; returns an exit status when there is nothing to run.
std::optional<int> parse(const Args& args, Settings* s) {
  const auto parsed = parse_args("search", args,
                                 {{"--flow", "", true, true},
                                  {"--loss-ratio", "", true, false},
                                  {"--precision", "", true, false},
                                  {"--max-rate-pps", "", true, false},
                                  {"--min-rate-pps", "", true, false},
                                  {"--max-trials", "", true, false},
                                  {"--jobs", "-j", true, false},
                                  {"--output", "-o", true, false},
                                  {"--force", "", false, false},
                                  {"--set", "", true, true},
                                  {"--backend", "", true, false}},
                                 kUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (parsed->positional.empty()) return usage_error("search", "no scenario file given", kUsage);
  if (parsed->positional.size() > 1) {
    return usage_error("search", "one scenario file at a time; got " + std::to_string(parsed->positional.size()),
                       kUsage);
  }
  s->file = parsed->positional.front();
  const auto& v = parsed->values;
  if (auto it = v.find("--flow"); it != v.end()) s->search.flows = it->second;
  if (auto it = v.find("--set"); it != v.end()) s->load.set = it->second;
  if (auto it = v.find("--backend"); it != v.end()) s->load.backend = it->second.front();
  s->jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  struct NumberOption {
    const char* name;
    double low, high;
    const char* what;
  };
  const NumberOption numbers[] = {
      {"--loss-ratio", 0, 0.5, "a loss ratio from 0 to 0.5"},
      {"--precision", 0.0001, 0.5, "a relative width from 0.0001 to 0.5"},
      {"--max-rate-pps", 0.001, 1e10, "a rate in packets per second from 0.001 to 1e10"},
      {"--min-rate-pps", 0.001, 1e10, "a rate in packets per second from 0.001 to 1e10"},
      {"--max-trials", 2, 1000, "a whole number of trials from 2 to 1000"},
      {"--jobs", 1, 4096, "a number of workers from 1 to 4096"},
  };
  for (const NumberOption& n : numbers) {
    auto it = v.find(n.name);
    if (it == v.end()) continue;
    const std::string& text = it->second.front();
    const auto value = parse_number(text);
    const bool whole = std::string(n.name) == "--max-trials" || std::string(n.name) == "--jobs";
    if (!value || *value < n.low || *value > n.high || (whole && *value != std::floor(*value))) {
      return usage_error("search", std::string(n.name) + " takes " + n.what + ", not \"" + text + "\"", kUsage);
    }
    const std::string name = n.name;
    search::SearchSettings& search = s->search.settings;
    if (name == "--loss-ratio") search.pdr_loss_ratio = *value;
    if (name == "--precision") search.precision = *value;
    if (name == "--max-rate-pps") search.max_rate = *value, s->search.max_given = true;
    if (name == "--min-rate-pps") search.min_rate = *value, s->search.min_given = true;
    if (name == "--max-trials") search.max_trials = static_cast<int>(*value);
    if (name == "--jobs") s->jobs = static_cast<int>(*value);
  }
  s->force = v.count("--force") > 0;
  if (auto it = v.find("--output"); it != v.end()) {
    if (it->second.front().empty()) return usage_error("search", "option --output needs a directory", kUsage);
    s->out_dir = it->second.front();
    if (const auto problem = output_dir_problem(s->out_dir, s->force)) {
      std::cerr << "viosim search: -o " << *problem << "\n";
      return kExitBadInput;
    }
  } else if (s->force) {
    return usage_error("search", "--force replaces the -o folder; give one", kUsage);
  }
  return std::nullopt;
}

using search::rate_text;

// The bound a criterion reached, as a table cell.
std::string bound_text(const search::Bounds& b, const search::SearchSettings& s) {
  if (b.at_max()) return ">= " + rate_text(b.pass) + " (max)";
  if (b.pass == 0) return "< " + rate_text(b.fail == 0 ? s.min_rate : b.fail);
  return rate_text(b.pass);
}

}  // namespace

int search_command(const Args& args) {
  Settings s;
  if (auto status = parse(args, &s)) return *status;

  auto loaded = scenarios::load_scenario(s.file, s.load);
  if (!loaded.ok()) {
    std::cerr << scenarios::format_diagnostics(loaded.diagnostics);
    return kExitBadInput;
  }
  std::cerr << scenarios::format_diagnostics(loaded.warnings);
  const viosim::Scenario& scenario = *loaded.scenario;
  search::SearchPlan plan;
  try {
    plan = search::plan_search(scenario, s.search);
  } catch (const search::SearchError& e) {
    std::cerr << "viosim search: " << s.file << ": " << e.what() << "\n";
    return kExitBadInput;
  }
  if (scenario.sweep().replications() > 1) {
    std::cerr << "viosim search: the sweep's replications are not searched: each search runs the scenario's seed\n";
  }
  const search::SearchTask& first = plan.tasks.front();
  std::cerr << "viosim search: " << plan.tasks.size() << " search(es), " << rate_text(first.settings.min_rate) << " to "
            << rate_text(first.settings.max_rate) << (plan.axis_fields.empty() ? "" : " at the first point")
            << ", PDR at loss <= " << first.settings.pdr_loss_ratio << ", precision " << first.settings.precision
            << "\n";

  std::vector<search::TaskResult> results(plan.tasks.size());
  std::mutex io;
  std::atomic<size_t> next{0};
  // "VHOST_NET" or "VHOST_NET at vm[web].count=4": a task in messages.
  const auto name = [&](const search::SearchTask& task) {
    const std::string at = search::point_text(plan.axis_fields, task.axis_values);
    return at.empty() ? task.backend : task.backend + " " + at;
  };
  const auto work = [&] {
    for (size_t i = next++; i < plan.tasks.size(); i = next++) {
      const search::SearchTask& task = plan.tasks[i];
      search::TaskResult& out = results[i];
      try {
        const search::SearchedTraffic t(task.scenario, s.search.flows);
        out.result = search::search_rates(task.settings, [&](double rate) {
          RunOptions run_options;
          run_options.scenario_file = s.file;
          run_options.cancel = &interrupt_flag();
          const RunSummary summary = viosim::run(t.at_rate(rate), run_options);
          const viosim::BackendResult& r = summary.backend(0);
          out.trial_results.push_back(r);
          const search::TrialOutcome o = t.outcome(r, rate);
          std::lock_guard lock(io);
          char line[240];
          std::snprintf(line, sizeof line, "trial %zu: %s offered, %.4g %% lost%s%s\n", out.trial_results.size(),
                        rate_text(rate).c_str(), o.loss_ratio() * 100,
                        o.unsent > 0 ? " (some never sent: the sender fell behind)" : "",
                        o.still_growing ? ", latency still rising" : "");
          std::cerr << "viosim search: " << name(task) << " " << line;
          return o;
        });
      } catch (const models::Cancelled&) {
        return;
      } catch (const scenarios::NotModelled& e) {
        // Before any trial: this build cannot run the backend. After one:
        // something in a trial went wrong, which is a failure.
        if (out.trial_results.empty()) {
          out.skipped = true;
          std::lock_guard lock(io);
          std::cerr << "viosim search: skipped " << name(task) << ": not modelled yet: " << e.what() << "\n";
        } else {
          out.failure = e.what();
        }
      } catch (const std::exception& e) {
        out.failure = e.what();
      }
    }
  };
  std::vector<std::thread> workers;
  const int threads = std::min<int>(s.jobs, static_cast<int>(plan.tasks.size()));
  for (int w = 1; w < threads; ++w) workers.emplace_back(work);
  work();
  for (std::thread& w : workers) w.join();
  if (interrupted()) {
    std::cerr << "\nviosim search: interrupted; nothing was written\n";
    return kExitInterrupted;
  }

  int status = kExitOk;
  std::string axis_header;
  for (size_t a = 0; a < plan.axis_fields.size(); ++a) {
    size_t width = plan.axis_fields[a].size();
    for (const search::SearchTask& task : plan.tasks) width = std::max(width, task.axis_values[a].size());
    axis_header += plan.axis_fields[a] + std::string(width + 2 - plan.axis_fields[a].size(), ' ');
  }
  std::printf("%s%-18s %-26s %-26s %s\n", axis_header.c_str(), "backend", "NDR (no loss)", "PDR (loss <= ratio)",
              "trials");
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const search::SearchTask& task = plan.tasks[i];
    const search::TaskResult& r = results[i];
    if (!r.failure.empty()) {
      std::cerr << "viosim search: " << name(task) << ": a trial failed: " << r.failure << "\n";
      status = kExitFailure;
      continue;
    }
    if (r.skipped) continue;
    std::string values;
    for (size_t a = 0; a < plan.axis_fields.size(); ++a) {
      const std::string& v = task.axis_values[a];
      const size_t width = std::max(plan.axis_fields[a].size(), v.size()) + 2;
      values += v + std::string(width - v.size(), ' ');
    }
    std::printf("%s%-18s %-26s %-26s %zu%s\n", values.c_str(), task.backend.c_str(),
                bound_text(r.result.ndr, task.settings).c_str(), bound_text(r.result.pdr, task.settings).c_str(),
                r.result.trials.size(), r.result.converged ? "" : " (did not converge)");
    if (!r.result.converged) {
      status = kExitFailure;
      const bool all_used = static_cast<int>(r.result.trials.size()) >= task.settings.max_trials;
      std::cerr << "viosim search: " << name(task) << " did not reach precision " << task.settings.precision << " in "
                << r.result.trials.size() << " trials ("
                << (all_used ? "--max-trials" : "no rate of 7 significant digits left between its bounds")
                << "); trials.csv with -o shows them\n";
    }
  }
  std::printf("Gb/s of frames = pkt/s x 8 x the mean frame size (%.0f B at the first point)\n", first.mean_frame_bytes);
  // What the runs at the reported rates found suspicious (a warm-up shorter
  // than the start-up transient, say): the trials behind the answer.
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const search::TaskResult& r = results[i];
    std::vector<std::string> said;
    for (size_t k = 0; k < r.result.trials.size() && k < r.trial_results.size(); ++k) {
      const double rate = r.result.trials[k].rate;
      if (rate != r.result.ndr.pass && rate != r.result.pdr.pass) continue;
      for (const std::string& w : flow_warnings(r.trial_results[k], plan.tasks[i].scenario.run().warmup_ms())) {
        if (std::find(said.begin(), said.end(), w) != said.end()) continue;
        said.push_back(w);
        std::cerr << "viosim search: warning: " << name(plan.tasks[i]) << " at " << rate_text(rate) << ": " << w
                  << "\n";
      }
    }
  }
  if (s.out_dir.empty()) return status;

  // The folder: the search's tables; for the base point alone, also each
  // backend's trial at its NDR as a run's results.
  const std::string searched = search::search_csv(plan, results);
  const std::string trials = search::trials_csv(plan, results);
  const auto add_tables = [&](const std::string& staging) {
    sweep::write_file_atomically(std::filesystem::path(staging) / "search.csv", searched);
    sweep::write_file_atomically(std::filesystem::path(staging) / "trials.csv", trials);
  };
  try {
    if (!plan.axis_fields.empty()) {
      write_folder_atomically(s.out_dir, s.force, [&](const std::string& staging) {
        sweep::write_file_atomically(std::filesystem::path(staging) / "scenario.textproto",
                                     "# proto-file: scenarios/schema/viosim/scenario.proto\n"
                                     "# proto-message: viosim.Scenario\n"
                                     "# The resolved scenario searched, with its sweep.\n\n" +
                                         scenarios::to_textproto(scenario));
        add_tables(staging);
      });
    } else {
      RunSummary at_ndr = summary_header(scenario, s.file);
      for (size_t i = 0; i < plan.tasks.size(); ++i) {
        const search::TaskResult& r = results[i];
        bool found = false;
        for (size_t k = 0; k < r.result.trials.size() && k < r.trial_results.size(); ++k) {
          if (r.result.ndr.pass > 0 && r.result.trials[k].rate == r.result.ndr.pass) {
            *at_ndr.add_backend() = r.trial_results[k];
            found = true;
          }
        }
        if (!found) {
          viosim::SkippedBackend* skipped = at_ndr.add_skipped();
          skipped->set_backend(plan.tasks[i].backend);
          skipped->set_reason(r.skipped            ? "not modelled yet"
                              : !r.failure.empty() ? "a trial failed: " + r.failure
                                                   : "no trial passed without loss, down to " +
                                                         rate_text(plan.tasks[i].settings.min_rate));
        }
      }
      write_results_folder(s.out_dir, scenario, at_ndr, add_tables, s.force);
    }
  } catch (const std::exception& e) {
    std::cerr << "viosim search: " << e.what() << "\n";
    return kExitFailure;
  }
  std::cout << "results: " << s.out_dir << "\n";
  return status;
}

}  // namespace viosim::cli
