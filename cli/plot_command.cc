// `viosim plot RESULTS_DIR [-o OUT]`: reads a results folder's summary.json
// back and writes its charts as PNG and SVG, headless.
#include <filesystem>
#include <iostream>
#include <regex>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/plotting.h"
#include "scenarios/runner/results_folder.h"

namespace viosim::cli {
namespace {

constexpr char kUsage[] =
    "usage: viosim plot RESULTS_DIR [-o OUT] [--size WIDTHxHEIGHT]\n"
    "\n"
    "Reads RESULTS_DIR/summary.json (a folder written by `viosim run`) and\n"
    "draws its charts, each as PNG and SVG: the latency CDF with p50, p99 and\n"
    "p99.9 marked (latency_cdf), busy cores by CPU category (cpu_by_category)\n"
    "and exits, interrupts, syscalls and wake-ups per packet\n"
    "(mechanisms_per_packet). For a folder written by `viosim sweep` it reads\n"
    "aggregate.csv and draws the load curves with their 95 % confidence bands\n"
    "(throughput_vs_load, latency_vs_load); for one written by `viosim search`\n"
    "over a sweep it reads search.csv and draws the NDR and PDR against the\n"
    "swept field (rates_vs_FIELD). Renders offscreen: no display needed.\n"
    "\n"
    "options:\n"
    "  -o, --output OUT   the folder for the plots (default: RESULTS_DIR/plots)\n"
    "  --size WxH         image size in pixels, 10 to 9999 each (default: 1100x700)\n"
    "  --help             this text\n"
    "\n"
    "exit status: 0 ok, 1 the plots could not be written, 2 bad arguments,\n"
    "no such results folder, or a viosim built without plotting\n";

}  // namespace

int plot_command(const Args& args) {
  const auto parsed = parse_args("plot", args, {{"--output", "-o", true, false}, {"--size", "", true, false}}, kUsage);
  if (!parsed) return kExitBadInput;
  if (parsed->help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (parsed->positional.size() != 1) {
    return usage_error("plot", parsed->positional.empty() ? "no results folder given" : "one results folder at a time",
                       kUsage);
  }
  PlotSize size;
  if (auto it = parsed->values.find("--size"); it != parsed->values.end()) {
    std::smatch m;
    const std::string& text = it->second.front();
    if (!std::regex_match(text, m, std::regex(R"(([1-9][0-9]{1,3})x([1-9][0-9]{1,3}))"))) {
      return usage_error("plot", "--size wants WIDTHxHEIGHT in pixels, e.g. 1100x700; got \"" + text + "\"", kUsage);
    }
    size = {std::stoi(m[1]), std::stoi(m[2])};
  }
  if (!plotting_available()) {
    std::cerr << "viosim plot: " << kNoPlotting << "\n";
    return kExitBadInput;
  }

  const std::filesystem::path dir(parsed->positional.front());
  const std::filesystem::path summary_path = dir / "summary.json";
  if (!std::filesystem::is_directory(dir)) {
    std::cerr << "viosim plot: " << dir.string() << ": no such results folder\n";
    return kExitBadInput;
  }
  const bool sweep = std::filesystem::exists(dir / "aggregate.csv");
  const bool search = std::filesystem::exists(dir / "search.csv");
  if (!std::filesystem::exists(summary_path) && (sweep || search)) {
    std::string out = (dir / "plots").string();
    if (auto it = parsed->values.find("--output"); it != parsed->values.end() && !it->second.front().empty()) {
      out = it->second.front();
    }
    try {
      const auto files = sweep ? write_sweep_plots((dir / "aggregate.csv").string(), out, size)
                               : write_search_plots((dir / "search.csv").string(), out, size);
      for (const std::string& file : files) std::cout << file << "\n";
    } catch (const std::exception& e) {
      std::cerr << "viosim plot: " << e.what() << "\n";
      return kExitFailure;
    }
    return kExitOk;
  }
  if (!std::filesystem::exists(summary_path)) {
    std::cerr << "viosim plot: " << dir.string() << " has no summary.json; is it a folder from `viosim run`?\n";
    return kExitBadInput;
  }
  RunSummary summary;
  try {
    summary = read_summary_json(summary_path.string());
  } catch (const std::exception& e) {
    std::cerr << "viosim plot: " << e.what() << "\n";
    return kExitBadInput;
  }
  std::string out = (dir / "plots").string();
  if (auto it = parsed->values.find("--output"); it != parsed->values.end()) {
    if (it->second.front().empty()) return usage_error("plot", "option --output needs a directory", kUsage);
    out = it->second.front();
  }
  try {
    for (const std::string& file : write_plots(summary, out, size)) std::cout << file << "\n";
  } catch (const std::exception& e) {
    std::cerr << "viosim plot: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace viosim::cli
