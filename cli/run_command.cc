// `viosim run FILE`: load, validate and resolve the scenario, run every
// compared backend, print the table and the fingerprints, and write the
// results folder atomically (with the plots in it, given --plot).
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/output_paths.h"
#include "cli/plotting.h"
#include "cli/signals.h"
#include "models/paths/cancelled.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/loader.h"
#include "scenarios/runner/results_folder.h"
#include "scenarios/runner/run_scenario.h"

#include <unistd.h>

namespace viosim::cli {
namespace {

// Progress on stderr: on a terminal one line redrawn in place with a bar and
// the ETA of the whole run; otherwise a plain line per backend at its start
// and at each quarter, so logs stay short.
// "10ms..10.5ms": two times with units (ns, us, ms, s), FROM before TO.
bool parse_time(const std::string& text, core::Time& out) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (...) {
    return false;
  }
  const std::string unit = text.substr(used);
  const double scale = unit == "ns" ? 1e-9 : unit == "us" ? 1e-6 : unit == "ms" ? 1e-3 : unit == "s" ? 1.0 : -1;
  if (scale < 0 || value < 0) return false;
  out = core::Time::zero() + core::Duration::from_seconds(value * scale);
  return true;
}

bool parse_window(const std::string& text, core::Time& from, core::Time& to) {
  const size_t dots = text.find("..");
  if (dots == std::string::npos) return false;
  return parse_time(text.substr(0, dots), from) && parse_time(text.substr(dots + 2), to);
}

class ProgressReporter {
 public:
  explicit ProgressReporter(bool tty) : tty_(tty), start_(std::chrono::steady_clock::now()) {}
  void operator()(const std::string& backend, int index, int count, double fraction) {
    const double overall = (index + fraction) / count;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta = overall > 0.01 ? elapsed * (1 - overall) / overall : 0;
    if (tty_) {
      // Redrawn when the whole percent moves (progress comes once per
      // simulated millisecond: thousands of calls in a long run).
      const int percent = static_cast<int>(overall * 100);
      if (percent == last_percent_ && overall < 1.0) return;
      last_percent_ = percent;
      const int filled = static_cast<int>(overall * 30);
      char line[160];
      std::snprintf(line, sizeof line, "\r[%-30s] %3.0f%%  %-17s ETA %5.1f s ", std::string(filled, '#').c_str(),
                    overall * 100, backend.c_str(), eta);
      std::cerr << line << (overall >= 1.0 ? "\n" : "") << std::flush;
      return;
    }
    const int quarter = static_cast<int>(fraction * 4 + 1e-9);
    if (backend != last_backend_) {
      last_backend_ = backend;
      last_quarter_ = -1;
    }
    if (quarter == last_quarter_) return;
    last_quarter_ = quarter;
    char line[160];
    std::snprintf(line, sizeof line, "viosim run: %s %d/%d: %3.0f%% (ETA %.1f s)\n", backend.c_str(), index + 1, count,
                  quarter * 25.0, eta);
    std::cerr << line;
  }

 private:
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::string last_backend_;
  int last_quarter_ = -1;
  int last_percent_ = -1;
};

constexpr char kUsage[] =
    "usage: viosim run FILE [-o DIR [--force]] [--set field.path=value]... [--backend NAME] [--plot]\n"
    "                  [--trace OUT.json [--trace-window FROM..TO]]\n"
    "\n"
    "Loads and validates FILE, runs every backend it compares on otherwise\n"
    "identical set-ups, prints a table and each run's event fingerprint, and\n"
    "writes one results folder: the resolved scenario, summary.json and\n"
    "results.csv, latency_cdf.csv (and with --plot, DIR/plots). The folder\n"
    "appears only once complete.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR   the results folder to create (default: runs/NAME-TIME); an\n"
    "                     existing empty folder is fine\n"
    "  --force            replace DIR if it exists and is not empty\n"
    "  --set PATH=VALUE   override a field, e.g. --set vm[0].nic.queues=2 (repeatable)\n"
    "  --backend NAME     run only this backend on every VM, ignoring compare\n"
    "  --plot             also draw the charts into DIR/plots, as `viosim plot` does\n"
    "  --trace OUT.json   write a Chrome/Perfetto trace (open it in ui.perfetto.dev):\n"
    "                     a track per core, host thread and vCPU, slices by CPU\n"
    "                     category, exits, kicks, interrupts and signals as instants,\n"
    "                     arrows following packets; OUT.BACKEND.json per backend\n"
    "                     when several run\n"
    "  --trace-window FROM..TO  simulated time to trace, e.g. 10ms..10.5ms (units\n"
    "                     ns, us, ms, s), inside the run; default: the first\n"
    "                     millisecond after warm-up (cut at the run's end)\n"
    "  --help             this text\n"
    "\n"
    "Output paths are checked before anything runs. Ctrl-C (SIGINT) or SIGTERM\n"
    "stops the run within a slice of simulated time and writes nothing.\n"
    "\n"
    "exit status: 0 ok, 1 the run failed, 2 bad scenario, paths or arguments,\n"
    "130 interrupted\n";

}  // namespace

int run_command(const Args& args) {
  const auto parsed = parse_args(
      "run", args, {{"--output", "-o", true, false}, {"--set", "", true, true}, {"--backend", "", true, false},
                {"--plot", "", false, false}, {"--trace", "", true, false}, {"--trace-window", "", true, false},
                {"--force", "", false, false}},
      kUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (parsed->positional.empty()) return usage_error("run", "no scenario file given", kUsage);
  if (parsed->positional.size() > 1) {
    return usage_error("run", "one scenario file at a time; got " + std::to_string(parsed->positional.size()), kUsage);
  }
  if (auto it = parsed->values.find("--output"); it != parsed->values.end() && it->second.front().empty()) {
    return usage_error("run", "option --output needs a directory", kUsage);
  }

  const bool plot = parsed->values.count("--plot") > 0;
  // Before the run, not after it: a long run should not end in "cannot plot".
  if (plot && !plotting_available()) {
    std::cerr << "viosim run: --plot: " << kNoPlotting << "\n";
    return kExitBadInput;
  }

  const bool force = parsed->values.count("--force") > 0;
  if (force && parsed->values.count("--output") == 0) {
    return usage_error("run", "--force replaces the -o folder; give one", kUsage);
  }
  if (parsed->values.count("--trace-window") > 0 && parsed->values.count("--trace") == 0) {
    return usage_error("run", "--trace-window chooses what --trace writes; give --trace OUT.json too", kUsage);
  }
  const std::string& file = parsed->positional.front();
  const std::optional<viosim::Scenario> scenario = load_scenario_from_args(*parsed);
  if (!scenario) return kExitBadInput;
  std::string out_dir;
  if (auto it = parsed->values.find("--output"); it != parsed->values.end()) {
    out_dir = it->second.front();
    if (const auto problem = output_dir_problem(out_dir, force)) {
      std::cerr << "viosim run: -o " << *problem << "\n";
      return kExitBadInput;
    }
  } else {
    char stamp[32];
    const std::time_t t = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&t));
    out_dir = "runs/" + std::filesystem::path(file).stem().string() + "-" + stamp;
  }

  if (scenario->sweep().axis_size() > 0) {
    std::cerr << "viosim run: " << file << " has a sweep; run plays its base point only (viosim sweep runs the sweep)\n";
  }
  if (scenario->has_plan()) {
    std::cerr << "viosim run: " << file << " has a plan; run plays the scenario as written (viosim plan answers it)\n";
  }
  RunSummary summary;
  try {
    RunOptions run_options;
    run_options.scenario_file = file;
    run_options.progress = ProgressReporter(::isatty(2) != 0);
    if (auto it = parsed->values.find("--trace"); it != parsed->values.end()) {
      run_options.trace_path = it->second.front();
      if (const auto problem = output_file_problem(run_options.trace_path)) {
        std::cerr << "viosim run: --trace " << *problem << "\n";
        return kExitBadInput;
      }
      const core::Time end = core::Time::zero() + core::Duration::from_seconds(scenario->run().duration_ms() * 1e-3);
      run_options.trace_from = core::Time::zero() + core::Duration::from_seconds(scenario->run().warmup_ms() * 1e-3);
      run_options.trace_to = std::min(end, run_options.trace_from + core::Milliseconds(1));
      if (auto w = parsed->values.find("--trace-window"); w != parsed->values.end()) {
        if (!parse_window(w->second.front(), run_options.trace_from, run_options.trace_to)) {
          return usage_error("run", "--trace-window takes FROM..TO with units, e.g. 10ms..10.5ms", kUsage);
        }
        if (!(run_options.trace_from < run_options.trace_to)) {
          return usage_error("run", "--trace-window " + w->second.front() + " is empty or reversed: FROM must be "
                                    "before TO", kUsage);
        }
        if (run_options.trace_to > end) {
          return usage_error("run", "--trace-window " + w->second.front() + " ends after the run, which lasts " +
                                    core::to_string(end - core::Time::zero()), kUsage);
        }
      }
    }
    run_options.cancel = &interrupt_flag();
    summary = viosim::run(*scenario, run_options);
  } catch (const models::Cancelled&) {
    // A trace is written as its backend runs: remove what was begun.
    if (auto it = parsed->values.find("--trace"); it != parsed->values.end()) {
      const std::filesystem::path trace(it->second.front());
      std::error_code ec;
      std::filesystem::remove(trace, ec);
      for (int b = 0; b < Backend_descriptor()->value_count(); ++b) {
        std::filesystem::path one = trace;
        one.replace_extension("." + Backend_descriptor()->value(b)->name() + trace.extension().string());
        std::filesystem::remove(one, ec);
      }
    }
    std::cerr << "\nviosim run: interrupted; nothing was written\n";
    return kExitInterrupted;
  } catch (const scenarios::NotModelled& e) {
    std::cerr << file << ": error: this build cannot run the scenario: not modelled yet: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "viosim run: the run failed: " << e.what() << "\n";
    return kExitFailure;
  }
  std::cout << summary.scenario_name() << "\n" << results_table(summary);
  for (const BackendResult& b : summary.backend()) {
    std::cout << "fingerprint " << b.backend() << " " << b.fingerprint() << "\n";
  }
  for (const std::string& w : summary.warnings()) std::cerr << "viosim run: warning: " << w << "\n";
  // The plots go into the staging folder so they appear with the rest; if
  // they fail, the results still do (they are the expensive part).
  std::string plot_error;
  const auto add_plots = [&](const std::string& staging) {
    const std::filesystem::path plots = std::filesystem::path(staging) / "plots";
    try {
      write_plots(summary, plots.string());
    } catch (const std::exception& e) {
      plot_error = e.what();
      std::error_code ec;
      std::filesystem::remove_all(plots, ec);
    }
  };
  try {
    write_results_folder(out_dir, *scenario, summary,
                         plot ? std::function<void(const std::string&)>(add_plots) : nullptr, force);
  } catch (const std::exception& e) {
    std::cerr << "viosim run: " << e.what() << "\n";
    return kExitFailure;
  }
  std::cout << "results: " << out_dir << "\n";
  if (!plot_error.empty()) {
    std::cerr << "viosim run: the results are written, but not the plots: " << plot_error << "\n";
    return kExitFailure;
  }
  if (plot) std::cout << "plots: " << (std::filesystem::path(out_dir) / "plots").string() << "\n";
  return kExitOk;
}

}  // namespace viosim::cli
