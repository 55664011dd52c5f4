// The results folder of one run, written atomically: everything goes into a
// hidden sibling folder that is renamed into place only when complete, so a
// failed or interrupted run leaves no half-written folder. It holds the
// fully resolved scenario, summary.json and results.csv.
#pragma once

#include <string>

#include "scenarios/schema/viosim/results.pb.h"
#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim {

// The CSV columns, in order (documented in the README).
const std::vector<std::string>& results_csv_columns();
std::string results_csv(const RunSummary& summary);
std::string summary_json(const RunSummary& summary);
// A fixed-width table of the headline figures, one row per backend.
std::string results_table(const RunSummary& summary);

// Throws std::runtime_error (with the path) if `dir` exists or cannot be
// written; on any failure nothing is left at `dir`.
void write_results_folder(const std::string& dir, const Scenario& resolved, const RunSummary& summary);

}  // namespace viosim
