// Column lists and row formatting of points.csv and aggregate.csv.
#include "scenarios/sweep/csv_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

#include "scenarios/runner/results_folder.h"
#include "scenarios/sweep/stats.h"

namespace viosim::sweep {
namespace {

// The figures averaged in aggregate.csv, with how to read each from a
// result (NaN: the result has none, an empty cell, left out of the mean).
struct Figure {
  const char* name;
  double (*get)(const viosim::BackendResult&);
};

constexpr Figure kFigures[] = {
    {"throughput_pps", [](const viosim::BackendResult& b) { return b.throughput_pps(); }},
    {"throughput_gbps", [](const viosim::BackendResult& b) { return b.throughput_gbps(); }},
    {"latency_mean_us", [](const viosim::BackendResult& b) { return b.latency_us().mean(); }},
    {"latency_p50_us", [](const viosim::BackendResult& b) { return b.latency_us().p50(); }},
    {"latency_p99_us", [](const viosim::BackendResult& b) { return b.latency_us().p99(); }},
    {"latency_p999_us", [](const viosim::BackendResult& b) { return b.latency_us().p999(); }},
    {"drops", [](const viosim::BackendResult& b) { return double(b.drops()); }},
    {"exits_per_packet", [](const viosim::BackendResult& b) { return b.exits_per_packet(); }},
    {"interrupts_per_packet", [](const viosim::BackendResult& b) { return b.interrupts_per_packet(); }},
    {"syscalls_per_packet", [](const viosim::BackendResult& b) { return b.syscalls_per_packet(); }},
    {"context_switches_per_packet", [](const viosim::BackendResult& b) { return b.context_switches_per_packet(); }},
    {"wakeups_per_packet", [](const viosim::BackendResult& b) { return b.wakeups_per_packet(); }},
    {"cpu_cycles_per_packet", [](const viosim::BackendResult& b) { return b.cpu_cycles_per_packet(); }},
    {"cache_line_transfers_per_packet",
     [](const viosim::BackendResult& b) { return b.cache_line_transfers_per_packet(); }},
    {"ddio_hit_share",
     [](const viosim::BackendResult& b) {
       return b.has_ddio_hit_share() ? b.ddio_hit_share() : std::numeric_limits<double>::quiet_NaN();
     }},
};

// Each flow's own figures, as columns "flow[NAME].FIGURE": the backend's
// latency pools every flow (round trips and one-way latencies when they
// differ in kind), each flow's does not.
struct FlowFigure {
  const char* name;
  double (*get)(const viosim::FlowResult&);
};

constexpr FlowFigure kFlowFigures[] = {
    {"throughput_pps", [](const viosim::FlowResult& f) { return f.throughput_pps(); }},
    {"latency_p50_us", [](const viosim::FlowResult& f) { return f.latency_us().p50(); }},
    {"latency_p99_us", [](const viosim::FlowResult& f) { return f.latency_us().p99(); }},
    {"latency_p999_us", [](const viosim::FlowResult& f) { return f.latency_us().p999(); }},
    {"drops", [](const viosim::FlowResult& f) {
       double n = 0;
       for (const viosim::PlaceCount& p : f.drops_by_place()) n += double(p.count());
       return n;
     }},
};

// A TCP flow's figures beside those (NaN where a point ran it as UDP).
constexpr FlowFigure kTcpFlowFigures[] = {
    {"goodput_gbps",
     [](const viosim::FlowResult& f) {
       return f.has_tcp() ? f.tcp().goodput_gbps() : std::numeric_limits<double>::quiet_NaN();
     }},
    {"retransmitted_segments",
     [](const viosim::FlowResult& f) {
       return f.has_tcp() ? double(f.tcp().retransmitted_segments()) : std::numeric_limits<double>::quiet_NaN();
     }},
    {"cwnd_mean_segments",
     [](const viosim::FlowResult& f) {
       return f.has_tcp() ? f.tcp().cwnd_mean_segments() : std::numeric_limits<double>::quiet_NaN();
     }},
    {"receive_skbs",
     [](const viosim::FlowResult& f) {
       return f.has_tcp() ? double(f.tcp().receive_skbs()) : std::numeric_limits<double>::quiet_NaN();
     }},
};

// The figures of flow `name`'s columns: the TCP ones too where some point
// ran it as TCP.
std::vector<const FlowFigure*> flow_figures(const std::vector<viosim::SweepPointResult>& records,
                                            const std::string& name) {
  std::vector<const FlowFigure*> out;
  for (const FlowFigure& f : kFlowFigures) out.push_back(&f);
  const bool tcp = std::any_of(records.begin(), records.end(), [&](const viosim::SweepPointResult& r) {
    return std::any_of(r.result().flows().begin(), r.result().flows().end(),
                       [&](const viosim::FlowResult& f) { return f.name() == name && f.has_tcp(); });
  });
  if (tcp) {
    for (const FlowFigure& f : kTcpFlowFigures) out.push_back(&f);
  }
  return out;
}

// The flows the records ran, in first-seen order (a swept `bidirectional`
// adds a reverse flow at some points only).
std::vector<std::string> flow_names(const std::vector<viosim::SweepPointResult>& records) {
  std::vector<std::string> names;
  for (const auto& r : records) {
    for (const viosim::FlowResult& f : r.result().flows()) {
      if (std::find(names.begin(), names.end(), f.name()) == names.end()) names.push_back(f.name());
    }
  }
  return names;
}

const viosim::FlowResult* find_flow(const viosim::BackendResult& b, const std::string& name) {
  for (const viosim::FlowResult& f : b.flows()) {
    if (f.name() == name) return &f;
  }
  return nullptr;
}

void axis_header(const SweepPlan& plan, std::ostream& out) {
  for (const std::string& field : plan.grid.fields) out << csv_field(field) << ",";
}

void axis_cells(const SweepPlan& plan, size_t axis_point, std::ostream& out) {
  for (const std::string& value : plan.grid.points[axis_point]) out << csv_field(value) << ",";
}

}  // namespace

std::string csv_number(double value) {
  if (std::isnan(value)) return "";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

std::string points_csv(const SweepPlan& plan, const std::vector<viosim::SweepPointResult>& records) {
  std::ostringstream out;
  axis_header(plan, out);
  out << "backend,replication,seed,status,latency_kind";
  for (const Figure& f : kFigures) out << "," << f.name;
  out << ",app_packets,nic_packets,events,sim_time_s,fingerprint,point_id";
  const std::vector<std::string> flows = flow_names(records);
  for (const std::string& name : flows) {
    for (const FlowFigure* f : flow_figures(records, name)) out << "," << csv_field("flow[" + name + "]." + f->name);
  }
  out << "\n";
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const SweepPoint& p = plan.points[i];
    const viosim::SweepPointResult& r = records.at(i);
    axis_cells(plan, p.axis_point, out);
    out << p.backend << "," << p.replication << "," << p.seed << "," << (r.has_result() ? "ok" : "skipped") << ","
        << r.latency_kind();
    if (r.has_result()) {
      const viosim::BackendResult& b = r.result();
      for (const Figure& f : kFigures) out << "," << csv_number(f.get(b));
      out << "," << b.app_packets() << "," << b.nic_packets() << "," << b.events() << "," << csv_number(b.sim_time_s())
          << "," << b.fingerprint();
    } else {
      for (size_t k = 0; k < std::size(kFigures) + 5; ++k) out << ",";
    }
    out << "," << p.id;
    for (const std::string& name : flows) {
      const viosim::FlowResult* flow = r.has_result() ? find_flow(r.result(), name) : nullptr;
      for (const FlowFigure* f : flow_figures(records, name)) out << "," << (flow ? csv_number(f->get(*flow)) : "");
    }
    out << "\n";
  }
  return out.str();
}

std::string aggregate_csv(const SweepPlan& plan, const std::vector<viosim::SweepPointResult>& records) {
  std::ostringstream out;
  axis_header(plan, out);
  out << "backend,status,replications";
  for (const Figure& f : kFigures) out << "," << f.name << "_mean," << f.name << "_ci95_low," << f.name << "_ci95_high";
  const std::vector<std::string> flows = flow_names(records);
  for (const std::string& name : flows) {
    for (const FlowFigure* f : flow_figures(records, name)) {
      const std::string column = "flow[" + name + "]." + f->name;
      out << "," << csv_field(column + "_mean") << "," << csv_field(column + "_ci95_low") << ","
          << csv_field(column + "_ci95_high");
    }
  }
  out << "\n";
  // Points of one (axis point, backend) are adjacent in point order.
  for (size_t first = 0; first < plan.points.size();) {
    size_t end = first;
    while (end < plan.points.size() && plan.points[end].axis_point == plan.points[first].axis_point &&
           plan.points[end].backend == plan.points[first].backend) {
      ++end;
    }
    std::vector<const viosim::BackendResult*> ran;
    for (size_t i = first; i < end; ++i) {
      if (records.at(i).has_result()) ran.push_back(&records[i].result());
    }
    axis_cells(plan, plan.points[first].axis_point, out);
    out << plan.points[first].backend << "," << (ran.empty() ? "skipped" : "ok") << "," << ran.size();
    for (const Figure& f : kFigures) {
      if (ran.empty()) {
        out << ",,,";
        continue;
      }
      std::vector<double> values;
      for (const viosim::BackendResult* b : ran) {
        if (const double v = f.get(*b); !std::isnan(v)) values.push_back(v);
      }
      if (values.empty()) {
        out << ",,,";
        continue;
      }
      const MeanCi m = mean_ci95(values);
      out << "," << csv_number(m.mean) << "," << (m.ci95_low ? csv_number(*m.ci95_low) : "") << ","
          << (m.ci95_high ? csv_number(*m.ci95_high) : "");
    }
    for (const std::string& name : flows) {
      for (const FlowFigure* f : flow_figures(records, name)) {
        std::vector<double> values;
        for (const viosim::BackendResult* b : ran) {
          const viosim::FlowResult* flow = find_flow(*b, name);
          if (const double v = flow ? f->get(*flow) : std::nan(""); !std::isnan(v)) values.push_back(v);
        }
        if (values.empty()) {
          out << ",,,";
          continue;
        }
        const MeanCi m = mean_ci95(values);
        out << "," << csv_number(m.mean) << "," << (m.ci95_low ? csv_number(*m.ci95_low) : "") << ","
            << (m.ci95_high ? csv_number(*m.ci95_high) : "");
      }
    }
    out << "\n";
    first = end;
  }
  return out.str();
}

}  // namespace viosim::sweep
