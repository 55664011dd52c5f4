#include "scenarios/search/search_tables.h"

#include <sstream>

#include "scenarios/runner/results_folder.h"
#include "scenarios/sweep/csv_writer.h"

namespace viosim::search {
namespace {

using sweep::csv_number;

void axis_cells(const SearchPlan& plan, const SearchTask& task, std::ostringstream& out) {
  for (size_t a = 0; a < plan.axis_fields.size(); ++a) out << csv_field(task.axis_values[a]) << ",";
}

void axis_header(const SearchPlan& plan, std::ostringstream& out) {
  for (const std::string& field : plan.axis_fields) out << csv_field(field) << ",";
}

const char* boolean(bool b) { return b ? "true" : "false"; }

}  // namespace

std::string search_csv(const SearchPlan& plan, const std::vector<TaskResult>& results) {
  std::ostringstream out;
  axis_header(plan, out);
  out << "backend,status,ndr_pps,ndr_fail_pps,ndr_gbps,pdr_pps,pdr_fail_pps,pdr_gbps,pdr_loss_ratio,precision,"
         "trials,converged\n";
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const SearchTask& task = plan.tasks[i];
    const TaskResult& t = results[i];
    axis_cells(plan, task, out);
    out << task.backend << ",";
    if (t.skipped || !t.failure.empty()) {
      out << (t.skipped ? "skipped" : "failed") << ",,,,,,,,,,\n";
      continue;
    }
    const SearchResult& r = t.result;
    const auto gbps = [&](double pps) { return csv_number(pps * task.mean_frame_bytes * 8 / 1e9); };
    out << "ok," << csv_number(r.ndr.pass) << "," << csv_number(r.ndr.fail) << "," << gbps(r.ndr.pass) << ","
        << csv_number(r.pdr.pass) << "," << csv_number(r.pdr.fail) << "," << gbps(r.pdr.pass) << ","
        << csv_number(task.settings.pdr_loss_ratio) << "," << csv_number(task.settings.precision) << ","
        << r.trials.size() << "," << boolean(r.converged) << "\n";
  }
  return out.str();
}

std::string trials_csv(const SearchPlan& plan, const std::vector<TaskResult>& results) {
  std::ostringstream out;
  axis_header(plan, out);
  out << "backend,trial,rate_pps,offered_packets,lost_packets,unsent_packets,loss_ratio,receive_pps,still_growing,"
         "ndr_pass,pdr_pass\n";
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    for (size_t k = 0; k < results[i].result.trials.size(); ++k) {
      const Trial& t = results[i].result.trials[k];
      axis_cells(plan, plan.tasks[i], out);
      out << plan.tasks[i].backend << "," << k + 1 << "," << csv_number(t.rate) << "," << t.outcome.offered << ","
          << t.outcome.lost << "," << t.outcome.unsent << "," << csv_number(t.outcome.loss_ratio()) << ","
          << csv_number(t.outcome.receive_rate) << "," << boolean(t.outcome.still_growing) << "," << boolean(t.ndr_pass)
          << "," << boolean(t.pdr_pass) << "\n";
    }
  }
  return out.str();
}

}  // namespace viosim::search
