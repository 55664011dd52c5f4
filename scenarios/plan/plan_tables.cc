#include "scenarios/plan/plan_tables.h"

#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "scenarios/plan/binding.h"
#include "scenarios/runner/results_folder.h"
#include "scenarios/sweep/csv_writer.h"

namespace viosim::plan {
namespace {

using sweep::csv_number;

void axis_header(const viosim::PlanReport& r, std::ostringstream& out) {
  for (const std::string& field : r.axis_fields()) out << csv_field(field) << ",";
}

void axis_cells(const viosim::PlanAnswer& a, std::ostringstream& out) {
  for (const viosim::SweepAxisValue& v : a.axis()) out << csv_field(v.value()) << ",";
}

std::string where(const viosim::PlanAnswer& a) {
  std::string text;
  for (const viosim::SweepAxisValue& v : a.axis()) text += (text.empty() ? " at " : ", ") + v.field() + "=" + v.value();
  return text;
}

// The warnings of the probes at `value_text`, each once.
void probe_warnings(const viosim::PlanAnswer& a, const std::string& value_text, std::ostringstream& out) {
  for (const viosim::PlanProbe& p : a.probes()) {
    if (p.value_text() != value_text) continue;
    for (const std::string& w : p.warnings()) out << "  warning at " << value_text << ": " << w << "\n";
  }
}

std::string core_text(const viosim::PlanResource& r) {
  return r.name() + " (" + r.role() + ") work " + percent(r.work()) + " of " + percent(r.busy()) + " busy";
}

}  // namespace

std::string plan_json(const viosim::PlanReport& report) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  if (!google::protobuf::util::MessageToJsonString(report, &json, options).ok()) {
    throw std::runtime_error("cannot encode the plan report as JSON");
  }
  return json;
}

std::string plan_csv(const viosim::PlanReport& report) {
  std::ostringstream out;
  axis_header(report, out);
  out << "backend,status,answer,next_value,next_verdict,next_reason,busiest_core,busiest_role,busiest_work,"
         "next_busiest_core,next_busiest_role,next_busiest_work,probes,runs\n";
  for (const viosim::PlanAnswer& a : report.answers()) {
    axis_cells(a, out);
    out << a.backend() << "," << a.status() << "," << (a.has_value_text() ? a.value_text() : "") << ","
        << a.next_value_text() << "," << a.next_verdict() << "," << csv_field(a.next_reason()) << ",";
    for (const auto* list : {&a.binding(), &a.next_binding()}) {
      if (list->empty()) {
        out << ",,,";
      } else {
        out << csv_field(list->Get(0).name()) << "," << csv_field(list->Get(0).role()) << ","
            << csv_number(list->Get(0).work()) << ",";
      }
    }
    out << a.probes_size() << "," << a.runs() << "\n";
  }
  return out.str();
}

std::string probes_csv(const viosim::PlanReport& report) {
  std::ostringstream out;
  axis_header(report, out);
  out << "backend,probe,value,verdict,replications,warnings,criterion,mean,ci95_low,ci95_high,criterion_verdict,"
         "reason\n";
  for (const viosim::PlanAnswer& a : report.answers()) {
    for (int p = 0; p < a.probes_size(); ++p) {
      const viosim::PlanProbe& probe = a.probes(p);
      auto head = [&] {
        axis_cells(a, out);
        std::string warnings;
        for (const std::string& w : probe.warnings()) warnings += (warnings.empty() ? "" : "; ") + w;
        out << a.backend() << "," << p << "," << probe.value_text() << "," << probe.verdict() << ","
            << probe.replications() << "," << csv_field(warnings) << ",";
      };
      if (probe.figures_size() == 0) {
        head();
        out << ",,,,," << csv_field(probe.reason()) << "\n";
      }
      for (const viosim::PlanFigure& f : probe.figures()) {
        head();
        out << csv_field(f.criterion()) << "," << csv_number(f.mean()) << ","
            << (f.has_ci95_low() ? csv_number(f.ci95_low()) : "") << ","
            << (f.has_ci95_high() ? csv_number(f.ci95_high()) : "") << "," << f.verdict() << ","
            << csv_field(f.reason()) << "\n";
      }
    }
  }
  return out.str();
}

std::string plan_text(const viosim::PlanReport& report) {
  std::ostringstream out;
  out << "plan: " << report.objective();
  for (int i = 0; i < report.slo_size(); ++i) out << (i ? "; " : ", with ") << report.slo(i);
  out << "\n";
  for (const viosim::PlanAnswer& a : report.answers()) {
    out << "\n" << a.backend() << where(a) << ": ";
    if (a.status() == "none") {
      out << "none; even " << a.next_value_text() << " " << a.next_verdict();
    } else {
      out << a.value_text();
      if (a.status() == "bound") {
        out << (report.objective().rfind("fewest", 0) == 0 ? " (the least the plan tries; it still passes)"
                                                           : " (the most the plan tries; it still passes)");
      }
    }
    out << "  [" << a.probes_size() << " probes, " << a.runs() << " runs]\n";
    for (const std::string& w : a.warnings()) out << "  warning: " << w << "\n";
    if (a.status() != "none") {
      for (const viosim::PlanFigure& f : a.at_answer()) {
        out << "  at " << a.value_text() << ": " << f.criterion() << ": " << csv_number(f.mean());
        if (f.has_ci95_low())
          out << " (95 % " << csv_number(f.ci95_low()) << " to " << csv_number(f.ci95_high()) << ")";
        out << "\n";
      }
      if (a.binding_size() > 0) out << "  busiest there: " << core_text(a.binding(0)) << "\n";
      if (a.binding_size() > 1) out << "  then: " << core_text(a.binding(1)) << "\n";
      probe_warnings(a, a.value_text(), out);
    }
    if (a.has_next_value_text()) {
      out << "  at " << a.next_value_text() << ": " << a.next_verdict() << ", " << a.next_reason() << "\n";
      if (a.next_binding_size() > 0) out << "  busiest there: " << core_text(a.next_binding(0)) << "\n";
      probe_warnings(a, a.next_value_text(), out);
      if (a.next_drops_by_place_size() > 0) {
        out << "  drops there:";
        for (int i = 0; i < a.next_drops_by_place_size() && i < 3; ++i) {
          out << (i ? "," : "") << " " << a.next_drops_by_place(i).place() << " " << a.next_drops_by_place(i).count();
        }
        out << "\n";
      }
      const auto& beyond = a.next_binding();
      if (a.next_verdict() == "fail" && (beyond.empty() || beyond.Get(0).work() < 0.8)) {
        out << "  no core was near saturation there: what broke is not CPU capacity (queueing, moderation, a "
               "ring or the wire)\n";
      }
    }
  }
  return out.str();
}

}  // namespace viosim::plan
