// summary.json, results.csv, latency_cdf.csv, the printed table and the
// atomic folder.
#include "scenarios/runner/results_folder.h"

#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "scenarios/loader/loader.h"

namespace viosim {
namespace {

namespace fs = std::filesystem;

double named(const google::protobuf::RepeatedPtrField<NamedValue>& list, const std::string& name) {
  for (const NamedValue& v : list) {
    if (v.name() == name) return v.value();
  }
  return 0;
}

std::string number(double v) {
  std::ostringstream out;
  out << std::setprecision(10) << v;
  return out.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// The VMs a flow ends in (a VM-to-VM flow's two, every copy of a counted
// VM), as `a;b`.
std::string vms_of_flow(const BackendResult& b, const std::string& flow) {
  std::string names;
  for (const VmResult& vm : b.vms()) {
    if (std::find(vm.flows().begin(), vm.flows().end(), flow) == vm.flows().end()) continue;
    names += (names.empty() ? "" : ";") + vm.name();
  }
  return names;
}

}  // namespace

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

const std::vector<std::string>& results_csv_columns() {
  // clang-format off
  static const std::vector<std::string> columns = {
      "backend", "flow", "vm", "latency_kind", "throughput_pps", "throughput_gbps", "latency_mean_us", "latency_p50_us",
      "latency_p99_us", "latency_p999_us", "offered_packets", "delivered_packets", "in_flight_packets", "drops",
      "drops_by_place", "exits_per_packet", "interrupts_per_packet",
      "syscalls_per_packet", "context_switches_per_packet", "wakeups_per_packet", "cpu_cycles_per_packet",
      "cache_line_transfers_per_packet", "cpu_guest_user", "cpu_guest_kernel", "cpu_exit_entry", "cpu_kvm", "cpu_qemu", "cpu_vhost", "cpu_pmd",
      "cpu_host_user", "cpu_host_kernel", "cpu_idle", "app_packets", "nic_packets", "events", "sim_time_s",
      "fingerprint"};
  // clang-format on
  return columns;
}

std::string results_csv(const RunSummary& summary) {
  std::ostringstream out;
  const auto& cols = results_csv_columns();
  for (size_t i = 0; i < cols.size(); ++i) out << (i ? "," : "") << cols[i];
  out << "\n";
  // A row per backend and flow: the flow's own figures, then its backend's
  // (the same on every flow row of that backend).
  for (const BackendResult& b : summary.backend()) {
    const auto& c = b.cpu_by_category();
    std::ostringstream backend_part;
    backend_part << number(b.exits_per_packet()) << "," << number(b.interrupts_per_packet()) << ","
                 << number(b.syscalls_per_packet()) << "," << number(b.context_switches_per_packet()) << ","
                 << number(b.wakeups_per_packet()) << "," << number(b.cpu_cycles_per_packet()) << ","
                 << number(b.cache_line_transfers_per_packet());
    for (const char* cat : {"guest_user", "guest_kernel", "exit_entry", "kvm", "qemu", "vhost", "pmd", "host_user",
                            "host_kernel", "idle"}) {
      backend_part << "," << number(named(c, cat));
    }
    backend_part << "," << b.app_packets() << "," << b.nic_packets() << "," << b.events() << ","
                 << number(b.sim_time_s()) << "," << b.fingerprint();
    for (const FlowResult& f : b.flows()) {
      uint64_t drops = 0;
      std::string places;
      for (const PlaceCount& p : f.drops_by_place()) {
        drops += p.count();
        places += (places.empty() ? "" : ";") + p.place() + ":" + std::to_string(p.count());
      }
      out << b.backend() << "," << csv_field(f.name()) << "," << csv_field(vms_of_flow(b, f.name())) << ","
          << f.latency_kind() << ","
          << number(f.throughput_pps()) << "," << number(f.throughput_gbps()) << "," << number(f.latency_us().mean())
          << "," << number(f.latency_us().p50()) << "," << number(f.latency_us().p99()) << ","
          << number(f.latency_us().p999()) << "," << f.offered_packets() << "," << f.delivered_packets() << ","
          << f.in_flight_packets() << "," << drops << "," << places << "," << backend_part.str() << "\n";
    }
  }
  return out.str();
}

std::string summary_json(const RunSummary& summary) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  if (!google::protobuf::util::MessageToJsonString(summary, &json, options).ok()) {
    throw std::runtime_error("cannot encode the summary as JSON");
  }
  return json;
}

std::string latency_cdf_csv(const RunSummary& summary) {
  std::ostringstream out;
  out << "backend,flow,latency_kind,latency_us,cumulative_fraction\n";
  for (const BackendResult& b : summary.backend()) {
    for (const FlowResult& f : b.flows()) {
      for (const LatencyCdfPoint& p : f.latency_cdf()) {
        out << b.backend() << "," << csv_field(f.name()) << "," << f.latency_kind() << "," << number(p.latency_us())
            << "," << number(p.cumulative_fraction()) << "\n";
      }
    }
  }
  return out.str();
}

RunSummary read_summary_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  RunSummary summary;
  // Unknown fields are accepted: a newer viosim's summary still plots.
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto status = google::protobuf::util::JsonStringToMessage(text.str(), &summary, options);
  if (!status.ok()) throw std::runtime_error(path + ": not a viosim summary: " + status.ToString());
  return summary;
}

std::string results_table(const RunSummary& summary) {
  std::ostringstream out;
  // A row per backend and flow; latency is each flow's own ("rtt": round
  // trip at the client, "1-way": sent to received). The mechanism counts
  // are the backend's, on its first row; with several VMs, a row per VM
  // follows its flows.
  out << std::left << std::setw(18) << "backend" << std::setw(12) << "flow" << std::right << std::setw(11) << "pkt/s"
      << std::setw(6) << "lat" << std::setw(9) << "p50" << std::setw(9) << "p99" << std::setw(9) << "p99.9"
      << std::setw(8) << "drops" << std::setw(8) << "exits" << std::setw(7) << "irqs" << std::setw(9) << "syscalls"
      << std::setw(7) << "ctxsw" << std::setw(7) << "lines" << std::setw(9) << "cycles"
      << "\n";
  out << std::left << std::setw(30) << "" << std::right << std::setw(11) << "" << std::setw(6) << "" << std::setw(27)
      << "(us)" << std::setw(8) << "(run)" << std::setw(34) << "(per packet)" << std::setw(13) << "(/pkt)"
      << "\n";
  out << std::fixed;
  for (const BackendResult& b : summary.backend()) {
    bool first = true;
    for (const FlowResult& f : b.flows()) {
      uint64_t drops = 0;
      for (const PlaceCount& p : f.drops_by_place()) drops += p.count();
      std::string name = f.name().size() > 11 ? f.name().substr(0, 10) + "~" : f.name();
      out << std::left << std::setw(18) << (first ? b.backend() : "") << std::setw(12) << name << std::right
          << std::setprecision(0) << std::setw(11) << f.throughput_pps() << std::setw(6)
          << (f.latency_kind() == "round_trip" ? "rtt" : "1-way") << std::setprecision(1) << std::setw(9)
          << f.latency_us().p50() << std::setw(9) << f.latency_us().p99() << std::setw(9) << f.latency_us().p999()
          << std::setw(8) << drops;
      if (first) {
        out << std::setprecision(2) << std::setw(8) << b.exits_per_packet() << std::setw(7) << b.interrupts_per_packet()
            << std::setw(9) << b.syscalls_per_packet() << std::setw(7) << b.context_switches_per_packet()
            << std::setprecision(1) << std::setw(7) << b.cache_line_transfers_per_packet() << std::setprecision(0)
            << std::setw(9) << b.cpu_cycles_per_packet();
      }
      out << "\n";
      first = false;
    }
    // With several VMs, a row each: the packets through its virtual NIC
    // (both directions) and its exits and interrupts per such packet.
    if (b.vms_size() > 1) {
      for (const VmResult& vm : b.vms()) {
        const std::string name = vm.name().size() > 8 ? vm.name().substr(0, 7) + "~" : vm.name();
        const double pps = b.sim_time_s() > 0 ? double(vm.nic_packets()) / b.sim_time_s() : 0.0;
        out << std::left << std::setw(18) << "" << std::setw(12) << "vm " + name << std::right << std::setprecision(0)
            << std::setw(11) << pps << std::setw(6) << "nic" << std::setw(35) << "" << std::setprecision(2)
            << std::setw(8) << vm.exits_per_packet() << std::setw(7) << vm.interrupts_per_packet() << "\n";
        // Its exit mix, the most frequent reason first (as perf kvm stat).
        std::vector<const NamedValue*> mix;
        for (const NamedValue& e : vm.exits_per_s()) mix.push_back(&e);
        std::stable_sort(mix.begin(), mix.end(),
                         [](const NamedValue* a, const NamedValue* b) { return a->value() > b->value(); });
        if (mix.empty()) continue;
        out << std::left << std::setw(20) << ""
            << "exits/s:" << std::setprecision(0);
        for (size_t i = 0; i < mix.size(); ++i)
          out << (i == 0 ? " " : ", ") << mix[i]->name() << " " << mix[i]->value();
        out << "\n";
      }
    }
  }
  for (const SkippedBackend& s : summary.skipped()) {
    out << std::left << std::setw(18) << s.backend() << "skipped: " << s.reason() << "\n";
  }
  return out.str();
}

void write_folder_atomically(const std::string& dir, bool replace,
                             const std::function<void(const std::string& staging_dir)>& fill) {
  const fs::path target(dir);
  std::error_code exists_ec;
  if (fs::exists(target, exists_ec) && !replace && !(fs::is_directory(target) && fs::is_empty(target))) {
    throw std::runtime_error(dir + " already exists and is not an empty folder; choose another -o folder");
  }
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw std::runtime_error("cannot create " + parent.string() + ": " + ec.message());
  const fs::path staging = parent / ("." + target.filename().string() + ".partial-" + std::to_string(::getpid()));
  fs::remove_all(staging, ec);
  try {
    if (!fs::create_directory(staging)) throw std::runtime_error("cannot create " + staging.string());
    fill(staging.string());
    // The old folder goes only now that the new one is complete; rename(2)
    // replaces an empty folder by itself.
    if (replace && fs::exists(target) && !(fs::is_directory(target) && fs::is_empty(target))) fs::remove_all(target);
    fs::rename(staging, target);
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
}

void write_results_folder(const std::string& dir, const Scenario& resolved, const RunSummary& summary,
                          const std::function<void(const std::string& staging_dir)>& add_more, bool replace) {
  write_folder_atomically(dir, replace, [&](const std::string& staging_dir) {
    const fs::path staging(staging_dir);
    write_file(staging / "scenario.textproto",
               "# proto-file: scenarios/schema/viosim/scenario.proto\n# proto-message: viosim.Scenario\n"
               "# The fully resolved scenario of this run: profile merged, every default written out.\n\n" +
                   scenarios::to_textproto(resolved));
    write_file(staging / "summary.json", summary_json(summary));
    write_file(staging / "results.csv", results_csv(summary));
    write_file(staging / "latency_cdf.csv", latency_cdf_csv(summary));
    if (add_more) add_more(staging_dir);
  });
}

}  // namespace viosim
