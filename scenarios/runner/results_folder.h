// The results folder of one run, written atomically: everything goes into a
// hidden sibling folder that is renamed into place only when complete, so a
// failed or interrupted run leaves no half-written folder. It holds the
// fully resolved scenario, summary.json, results.csv and latency_cdf.csv
// (plus whatever the caller adds, such as plots, before the folder appears).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim {

// A text as one CSV field (RFC 4180): quoted, quotes doubled, when it holds
// a comma, a quote or a line break; as it is otherwise.
std::string csv_field(const std::string& text);

// The CSV columns, in order (documented in the README).
const std::vector<std::string>& results_csv_columns();
std::string results_csv(const RunSummary& summary);
std::string summary_json(const RunSummary& summary);
// Columns backend, latency_us, cumulative_fraction: every backend's CDF points.
std::string latency_cdf_csv(const RunSummary& summary);
// Reads a summary.json back (as `viosim plot` does); throws
// std::runtime_error naming the file if it cannot be read or parsed.
RunSummary read_summary_json(const std::string& path);
// A fixed-width table of the headline figures, one row per backend.
std::string results_table(const RunSummary& summary);

// Makes folder `dir` appear whole or not at all: `fill` writes into a
// hidden staging sibling (its argument), which is then renamed to `dir`.
// Throws std::runtime_error (with the path) if `dir` exists and is not an
// empty folder (with `replace`: any folder, replaced whole) or on any
// failure, leaving `dir` as it was.
void write_folder_atomically(const std::string& dir, bool replace,
                             const std::function<void(const std::string& staging_dir)>& fill);

// Throws std::runtime_error (with the path) if `dir` exists and is not an
// empty folder (with `replace`: any folder, replaced whole), or cannot be
// written; on any failure `dir` is as it was. `add_more`, if given, writes
// further files into the staging folder (its argument) before the rename,
// so they too appear all at once or not at all.
void write_results_folder(const std::string& dir, const Scenario& resolved, const RunSummary& summary,
                          const std::function<void(const std::string& staging_dir)>& add_more = {},
                          bool replace = false);

}  // namespace viosim
