// `viosim search FILE`: the zero-loss rate (NDR) and the partial-drop rate
// (PDR) of each compared backend, by trials at rates the search chooses
// (scenarios/search), printed as a table and, with -o, written as a folder.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/output_paths.h"
#include "cli/signals.h"
#include "models/paths/cancelled.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/loader/loader.h"
#include "scenarios/loader/sweep_expand.h"
#include "scenarios/runner/results_folder.h"
#include "scenarios/runner/run_scenario.h"
#include "scenarios/search/searched_traffic.h"
#include "scenarios/sweep/atomic_file.h"
#include "scenarios/sweep/csv_writer.h"

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
    "The first trial is at the highest rate; after a failure the next tries\n"
    "the rate the path delivered in it; then steps double away from the last\n"
    "result until the other side is found, and halve the interval until the\n"
    "lowest failing rate is within P of the highest passing one.\n"
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
    "  -j, --jobs N        backends searched at once (default: all cores)\n"
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
    "its precision within --max-trials, 2 bad scenario, flows or arguments,\n"
    "130 interrupted\n";

struct Settings {
  std::string file;
  std::vector<std::string> flows;
  scenarios::LoadOptions load;
  search::SearchSettings search;
  bool max_given = false, min_given = false;
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
  if (auto it = v.find("--flow"); it != v.end()) s->flows = it->second;
  if (auto it = v.find("--set"); it != v.end()) s->load.set = it->second;
  if (auto it = v.find("--backend"); it != v.end()) s->load.backend = it->second.front();
  s->search.pdr_loss_ratio = 0.005;
  s->search.precision = 0.005;
  s->search.max_trials = 40;
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
    if (name == "--loss-ratio") s->search.pdr_loss_ratio = *value;
    if (name == "--precision") s->search.precision = *value;
    if (name == "--max-rate-pps") s->search.max_rate = *value, s->max_given = true;
    if (name == "--min-rate-pps") s->search.min_rate = *value, s->min_given = true;
    if (name == "--max-trials") s->search.max_trials = static_cast<int>(*value);
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

// Seven significant digits, as the trials run them, never in exponent form.
std::string rate_text(double pps) {
  const int decimals = pps > 0 ? std::clamp(6 - static_cast<int>(std::floor(std::log10(pps))), 0, 9) : 0;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f pkt/s", decimals, pps);
  return text;
}

// One backend's search: what it found and the trial at its NDR.
struct BackendSearch {
  std::string backend;  // as the results name it
  search::SearchResult result;
  std::vector<viosim::BackendResult> trial_results;  // by trial
  std::string failure;                               // the run failed: why
  bool skipped = false;                              // this build cannot run it
};

// The bound a criterion reached, as a table cell.
std::string bound_text(const search::Bounds& b, const search::SearchSettings& s) {
  if (b.at_max()) return ">= " + rate_text(b.pass) + " (max)";
  if (b.pass == 0) return "< " + rate_text(b.fail == 0 ? s.min_rate : b.fail);
  return rate_text(b.pass);
}

std::string search_csv(const std::vector<BackendSearch>& searches, const search::SearchSettings& s,
                       double frame_bytes) {
  std::ostringstream out;
  out << "backend,status,ndr_pps,ndr_fail_pps,ndr_gbps,pdr_pps,pdr_fail_pps,pdr_gbps,pdr_loss_ratio,precision,"
         "trials,converged\n";
  const auto gbps = [&](double pps) { return sweep::csv_number(pps * frame_bytes * 8 / 1e9); };
  for (const BackendSearch& b : searches) {
    if (b.skipped || !b.failure.empty()) {
      out << b.backend << "," << (b.skipped ? "skipped" : "failed") << ",,,,,,,,,,\n";
      continue;
    }
    const search::SearchResult& r = b.result;
    out << b.backend << ",ok," << sweep::csv_number(r.ndr.pass) << "," << sweep::csv_number(r.ndr.fail) << ","
        << gbps(r.ndr.pass) << "," << sweep::csv_number(r.pdr.pass) << "," << sweep::csv_number(r.pdr.fail) << ","
        << gbps(r.pdr.pass) << "," << sweep::csv_number(s.pdr_loss_ratio) << "," << sweep::csv_number(s.precision)
        << "," << r.trials.size() << "," << (r.converged ? "true" : "false") << "\n";
  }
  return out.str();
}

std::string trials_csv(const std::vector<BackendSearch>& searches) {
  std::ostringstream out;
  out << "backend,trial,rate_pps,offered_packets,lost_packets,unsent_packets,loss_ratio,receive_pps,still_growing,"
         "ndr_pass,pdr_pass\n";
  for (const BackendSearch& b : searches) {
    for (size_t i = 0; i < b.result.trials.size(); ++i) {
      const search::Trial& t = b.result.trials[i];
      out << b.backend << "," << i + 1 << "," << sweep::csv_number(t.rate) << "," << t.outcome.offered << ","
          << t.outcome.lost << "," << t.outcome.unsent << "," << sweep::csv_number(t.outcome.loss_ratio()) << ","
          << sweep::csv_number(t.outcome.receive_rate) << "," << (t.outcome.still_growing ? "true" : "false") << ","
          << (t.ndr_pass ? "true" : "false") << "," << (t.pdr_pass ? "true" : "false") << "\n";
    }
  }
  return out.str();
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
  std::optional<search::SearchedTraffic> traffic;
  try {
    traffic.emplace(scenario, s.flows);
  } catch (const search::SearchError& e) {
    std::cerr << "viosim search: " << s.file << ": " << e.what() << "\n";
    return kExitBadInput;
  }
  const double line = traffic->line_rate_pps();
  if (!s.max_given) {
    if (line == 0) {
      std::cerr << "viosim search: " << s.file << ": the searched flows cross no host NIC, so there is no line "
                << "rate to start from; give --max-rate-pps\n";
      return kExitBadInput;
    }
    s.search.max_rate = line;
  } else if (line > 0 && s.search.max_rate > line * (1 + 1e-9)) {
    std::cerr << "viosim search: --max-rate-pps " << s.search.max_rate << " is above " << rate_text(line)
              << ", the line rate of the searched flows' host NICs (frames plus 20 B of preamble and gap each)\n";
    return kExitBadInput;
  }
  if (!s.min_given) s.search.min_rate = s.search.max_rate / 1000;
  if (s.search.min_rate > s.search.max_rate) {
    std::cerr << "viosim search: --min-rate-pps " << s.search.min_rate << " is above the highest rate, "
              << s.search.max_rate << "\n";
    return kExitBadInput;
  }
  if (scenario.sweep().axis_size() > 0) {
    std::cerr << "viosim search: " << s.file << " has a sweep; search runs its base point only\n";
  }

  // The backends to search: each a copy of the scenario running it alone,
  // as sweep points do (a VM with fixed_backend keeps its own).
  const std::vector<viosim::Backend> backends = sweep::run_backends(scenario);

  std::cerr << "viosim search: " << traffic->flow_names().size() << " flow(s), " << rate_text(s.search.min_rate)
            << " to " << rate_text(s.search.max_rate) << ", PDR at loss <= " << s.search.pdr_loss_ratio
            << ", precision " << s.search.precision << ", " << backends.size() << " backend(s)\n";
  std::vector<BackendSearch> searches(backends.size());
  std::mutex io;
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t i = next++; i < backends.size(); i = next++) {
      BackendSearch& out = searches[i];
      out.backend = viosim::Backend_Name(backends[i]);
      try {
        viosim::Scenario one = scenario;
        if (scenario.compare().backend_size() > 0) sweep::run_only(&one, backends[i]);
        const search::SearchedTraffic t(one, s.flows);
        out.result = search::search_rates(s.search, [&](double rate) {
          RunOptions run_options;
          run_options.scenario_file = s.file;
          run_options.cancel = &interrupt_flag();
          const RunSummary summary = viosim::run(t.at_rate(rate), run_options);
          const viosim::BackendResult& r = summary.backend(0);
          out.trial_results.push_back(r);
          const search::TrialOutcome o = t.outcome(r, rate);
          std::lock_guard lock(io);
          char line[240];
          std::snprintf(line, sizeof line, "viosim search: %s trial %zu: %s offered, %.4g %% lost%s%s\n",
                        out.backend.c_str(), out.trial_results.size(), rate_text(rate).c_str(), o.loss_ratio() * 100,
                        o.unsent > 0 ? " (some never sent: the sender fell behind)" : "",
                        o.still_growing ? ", latency still rising" : "");
          std::cerr << line;
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
          std::cerr << "viosim search: skipped " << out.backend << ": not modelled yet: " << e.what() << "\n";
        } else {
          out.failure = e.what();
        }
      } catch (const std::exception& e) {
        out.failure = e.what();
      }
    }
  };
  std::vector<std::thread> workers;
  const int threads = std::min<int>(s.jobs, static_cast<int>(backends.size()));
  for (int w = 1; w < threads; ++w) workers.emplace_back(work);
  work();
  for (std::thread& w : workers) w.join();
  if (interrupted()) {
    std::cerr << "\nviosim search: interrupted; nothing was written\n";
    return kExitInterrupted;
  }

  int status = kExitOk;
  const double frame = traffic->mean_frame_bytes();
  std::printf("%-18s %-26s %-26s %s\n", "backend", "NDR (no loss)", "PDR (loss <= ratio)", "trials");
  for (const BackendSearch& b : searches) {
    if (!b.failure.empty()) {
      std::cerr << "viosim search: " << b.backend << ": a trial failed: " << b.failure << "\n";
      status = kExitFailure;
      continue;
    }
    if (b.skipped) continue;
    std::printf("%-18s %-26s %-26s %zu%s\n", b.backend.c_str(), bound_text(b.result.ndr, s.search).c_str(),
                bound_text(b.result.pdr, s.search).c_str(), b.result.trials.size(),
                b.result.converged ? "" : " (did not converge)");
    if (!b.result.converged) status = kExitFailure;
  }
  std::printf("at %.0f B mean frame size: Gb/s of frames = pps x %.0f\n", frame, frame * 8);
  // What the runs at the reported rates found suspicious (a warm-up shorter
  // than the start-up transient, say): the trials behind the answer.
  for (const BackendSearch& b : searches) {
    std::vector<std::string> said;
    for (size_t i = 0; i < b.result.trials.size() && i < b.trial_results.size(); ++i) {
      const double rate = b.result.trials[i].rate;
      if (rate != b.result.ndr.pass && rate != b.result.pdr.pass) continue;
      for (const std::string& w : flow_warnings(b.trial_results[i], scenario.run().warmup_ms())) {
        if (std::find(said.begin(), said.end(), w) != said.end()) continue;
        said.push_back(w);
        std::cerr << "viosim search: warning: at " << rate_text(rate) << ": " << w << "\n";
      }
    }
  }
  for (const BackendSearch& b : searches) {
    if (!b.result.converged && b.failure.empty() && !b.skipped) {
      const bool all_used = static_cast<int>(b.result.trials.size()) >= s.search.max_trials;
      std::cerr << "viosim search: " << b.backend << " did not reach precision " << s.search.precision << " in "
                << b.result.trials.size() << " trials ("
                << (all_used ? "--max-trials" : "no rate of 7 significant digits left between its bounds")
                << "); trials.csv with -o shows them\n";
    }
  }
  if (s.out_dir.empty()) return status;

  // The folder: the NDR trial of each backend as a run's results, beside
  // the search's own tables.
  RunSummary at_ndr = summary_header(scenario, s.file);
  for (const BackendSearch& b : searches) {
    bool found = false;
    for (size_t i = 0; i < b.result.trials.size() && i < b.trial_results.size(); ++i) {
      if (b.result.ndr.pass > 0 && b.result.trials[i].rate == b.result.ndr.pass) {
        *at_ndr.add_backend() = b.trial_results[i];
        found = true;
      }
    }
    if (!found) {
      viosim::SkippedBackend* skipped = at_ndr.add_skipped();
      skipped->set_backend(b.backend);
      skipped->set_reason(b.skipped ? "not modelled yet"
                          : !b.failure.empty()
                              ? "a trial failed: " + b.failure
                              : "no trial passed without loss, down to " + rate_text(s.search.min_rate));
    }
  }
  const std::string searched = search_csv(searches, s.search, frame);
  const std::string trials = trials_csv(searches);
  try {
    write_results_folder(
        s.out_dir, scenario, at_ndr,
        [&](const std::string& staging) {
          sweep::write_file_atomically(std::filesystem::path(staging) / "search.csv", searched);
          sweep::write_file_atomically(std::filesystem::path(staging) / "trials.csv", trials);
        },
        s.force);
  } catch (const std::exception& e) {
    std::cerr << "viosim search: " << e.what() << "\n";
    return kExitFailure;
  }
  std::cout << "results: " << s.out_dir << "\n";
  return status;
}

}  // namespace viosim::cli
