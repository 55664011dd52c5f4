// Runs every compared backend and turns PathResults into the results proto.
#include "scenarios/runner/run_scenario.h"

#include <algorithm>
#include <cstdio>

#include "models/paths/path_model.h"
#include "models/traffic/flow_stats.h"
#include "scenarios/builder/path_builder.h"
#include "scenarios/runner/run_chart_names.h"
#include "sim-core/histogram_cdf.h"

#ifndef VIOSIM_VERSION
#define VIOSIM_VERSION "dev"
#endif

namespace viosim {
namespace {

void add_named(google::protobuf::RepeatedPtrField<NamedValue>* list, std::string_view name, double value) {
  NamedValue* v = list->Add();
  v->set_name(std::string(name));
  v->set_value(value);
}

void set_latency(const core::Histogram& h, LatencySummary* l,
                 google::protobuf::RepeatedPtrField<LatencyCdfPoint>* cdf) {
  l->set_mean(h.mean() * 1e-6);
  l->set_p50(double(h.percentile(0.5)) * 1e-6);
  l->set_p99(double(h.percentile(0.99)) * 1e-6);
  l->set_p999(double(h.percentile(0.999)) * 1e-6);
  for (const core::CdfPoint& p : core::cdf_points(h, kLatencyCdfPoints)) {
    LatencyCdfPoint* point = cdf->Add();
    point->set_latency_us(double(p.value) * 1e-6);
    point->set_cumulative_fraction(p.cumulative_fraction);
  }
}

void add_drops(google::protobuf::RepeatedPtrField<PlaceCount>* list, const std::string& place, uint64_t count) {
  for (PlaceCount& p : *list) {
    if (p.place() == place) {
      p.set_count(p.count() + count);
      return;
    }
  }
  PlaceCount* p = list->Add();
  p->set_place(place);
  p->set_count(count);
}

}  // namespace

std::string latency_kind(const Scenario& scenario) {
  int round_trip = 0, one_way = 0;
  for (const auto& f : scenario.traffic().flow()) (f.has_request_response() ? round_trip : one_way) += 1;
  return one_way == 0 ? "round_trip" : round_trip == 0 ? "one_way" : "mixed";
}

std::vector<std::string> flow_warnings(const BackendResult& b, double warmup_ms) {
  std::vector<std::string> out;
  for (const FlowResult& f : b.flows()) {
    const std::string who = b.backend() + ", flow \"" + f.name() + "\": ";
    if (f.throughput_pps() == 0) {
      out.push_back(who + "delivered nothing in the measured window (offered " + std::to_string(f.offered_packets()) +
                    " packets, delivered " + std::to_string(f.delivered_packets()) + " in the whole run)");
      continue;
    }
    if (f.has_transient_ms() && f.transient_ms() > warmup_ms) {
      char text[160];
      std::snprintf(text, sizeof text,
                    "the start-up transient of its latency lasts %.3g ms (MSER-5), past the %.3g ms warm-up; raise "
                    "run.warmup_ms",
                    f.transient_ms(), warmup_ms);
      out.push_back(who + text);
    }
    if (f.still_growing()) {
      out.push_back(who + "its latency still grows at the end of the run: the path is overloaded and the figures "
                          "depend on the run's length");
    }
  }
  return out;
}

BackendResult to_backend_result(const models::PathResults& r) {
  BackendResult b;
  b.set_backend(r.backend);
  b.set_throughput_pps(r.throughput_pps());
  b.set_throughput_gbps(r.throughput_gbps());
  set_latency(r.latency, b.mutable_latency_us(), b.mutable_latency_cdf());
  for (const models::FlowResults& fr : r.flows) {
    FlowResult* f = b.add_flows();
    f->set_name(fr.name);
    f->set_latency_kind(fr.round_trip ? "round_trip" : "one_way");
    set_latency(fr.latency, f->mutable_latency_us(), f->mutable_latency_cdf());
    f->set_throughput_pps(r.window_s > 0 ? double(fr.packets) / r.window_s : 0);
    f->set_throughput_gbps(r.window_s > 0 ? double(fr.bytes) * 8 / r.window_s / 1e9 : 0);
    f->set_offered_packets(fr.offered_packets);
    f->set_delivered_packets(fr.delivered_packets);
    f->set_in_flight_packets(fr.in_flight_packets);
    for (const auto& [place, count] : fr.drops_by_place) {
      add_drops(f->mutable_drops_by_place(), place, count);
      add_drops(b.mutable_drops_by_place(), place, count);
    }
    if (fr.transient_ms >= 0) f->set_transient_ms(fr.transient_ms);
    f->set_still_growing(fr.still_growing);
    if (fr.tcp) {
      TcpFlowResult* t = f->mutable_tcp();
      const models::TcpSenderStats& s = fr.tcp_stats;
      t->set_goodput_gbps(r.window_s > 0 ? double(fr.payload_bytes) * 8 / r.window_s / 1e9 : 0);
      t->set_segments_sent(s.segments);
      t->set_retransmitted_segments(s.retransmits);
      t->set_fast_recoveries(s.recoveries);
      t->set_timeouts(s.timeouts);
      t->set_loss_probes(s.probes);
      t->set_acks(s.acks);
      t->set_cwnd_mean_segments(s.cwnd_mean());
      t->set_cwnd_max_segments(s.cwnd_max);
      t->set_receive_skbs(fr.tcp_skbs);
    }
    b.set_offered_packets(b.offered_packets() + fr.offered_packets);
    b.set_delivered_packets(b.delivered_packets() + fr.delivered_packets);
    b.set_in_flight_packets(b.in_flight_packets() + fr.in_flight_packets);
  }
  std::sort(b.mutable_drops_by_place()->begin(), b.mutable_drops_by_place()->end(),
            [](const PlaceCount& x, const PlaceCount& y) { return x.place() < y.place(); });
  b.set_drops(r.drops);
  b.set_exits_per_packet(r.per_packet(double(r.exits)));
  for (int i = 0; i < models::kExitReasons; ++i) {
    if (r.exits_by_reason[i] == 0) continue;
    add_named(b.mutable_exits_by_reason(), models::exit_reason_name(static_cast<models::ExitReason>(i)),
              r.per_packet(double(r.exits_by_reason[i])));
  }
  b.set_interrupts_per_packet(r.per_packet(double(r.guest_interrupts)));
  b.set_syscalls_per_packet(r.per_packet(double(r.host_syscalls)));
  b.set_cache_line_transfers_per_packet(r.per_packet(double(r.line_transfers)));
  if (const uint64_t loads = r.dma_llc_loads + r.dma_dram_loads; loads > 0) {
    b.set_ddio_hit_share(double(r.dma_llc_loads) / double(loads));
  }
  b.set_context_switches_per_packet(r.per_packet(double(r.context_switches)));
  b.set_wakeups_per_packet(r.per_packet(double(r.wakeups)));
  b.set_cpu_cycles_per_packet(r.per_packet(r.busy_cycles));
  for (int i = 0; i < models::kCpuCategories; ++i) {
    add_named(b.mutable_cpu_by_category(), models::category_name(static_cast<models::CpuCategory>(i)),
              r.window_s > 0 ? r.cpu_s[i] / r.window_s : 0);
  }
  for (int d = 0; d < 2; ++d) {
    if (r.hop_packets[d] == 0) continue;
    for (int h = 0; h < models::FlowStats::kHops; ++h) {
      Hop* hop = b.add_hops();
      hop->set_direction(std::string(d == 0 ? kGuestToWire : kWireToGuest));
      hop->set_name(models::FlowStats::hop_name(d, h));
      hop->set_mean_us(r.hop_mean_us[d][h]);
    }
  }
  for (size_t q = 0; q < r.per_queue.size(); ++q) {
    QueueResult* qr = b.add_per_queue();
    qr->set_queue(static_cast<uint32_t>(q));
    qr->set_packets(r.per_queue[q].frames);
    qr->set_drops(r.per_queue[q].drops);
    qr->set_interrupts(r.per_queue[q].interrupts);
    qr->set_tx_packets(r.per_queue[q].tx_frames);
    qr->set_gro_merged(r.per_queue[q].gro_merged);
  }
  for (size_t q = 0; q < r.per_vm_queue.size(); ++q) {
    const models::PathResults::VmQueueCounts& c = r.per_vm_queue[q];
    VmQueueResult* vq = b.add_per_vm_queue();
    vq->set_queue(static_cast<uint32_t>(q));
    vq->set_vcpu_core(c.vcpu_core);
    vq->set_rx_packets(c.rx_packets);
    vq->set_tx_packets(c.tx_packets);
    vq->set_interrupts(c.interrupts);
    vq->set_kicks(c.kicks);
    vq->set_rx_buffers(c.rx_buffers);
  }
  for (const models::PathResults::VmResults& v : r.vms) {
    VmResult* vm = b.add_vms();
    vm->set_name(v.name);
    vm->set_backend(v.backend);
    for (uint32_t core : v.vcpu_cores) vm->add_vcpu_cores(core);
    for (int i = 0; i < models::kCpuCategories; ++i) {
      if (v.vcpu_cpu_s[i] <= 0 || r.window_s <= 0) continue;
      add_named(vm->mutable_vcpu_cpu_by_category(), models::category_name(static_cast<models::CpuCategory>(i)),
                v.vcpu_cpu_s[i] / r.window_s);
    }
    vm->set_nic_packets(v.nic_packets);
    const double through = double(v.nic_packets);
    vm->set_exits_per_packet(through > 0 ? double(v.exits) / through : 0);
    for (int i = 0; i < models::kExitReasons; ++i) {
      if (v.exits_by_reason[i] == 0 || r.window_s <= 0) continue;
      add_named(vm->mutable_exits_per_s(), models::exit_reason_name(static_cast<models::ExitReason>(i)),
                double(v.exits_by_reason[i]) / r.window_s);
    }
    vm->set_interrupts_per_packet(through > 0 ? double(v.interrupts) / through : 0);
    if (r.window_s > 0) {
      vm->set_ipis_per_s(double(v.ipis) / r.window_s);
      vm->set_preemptions_per_s(double(v.preemptions) / r.window_s);
    }
    for (size_t f : v.flows) vm->add_flows(r.flows[f].name);
    vm->set_forwarded_packets(v.forwarded);
    if (v.forwards) {
      google::protobuf::RepeatedPtrField<LatencyCdfPoint> no_cdf;
      set_latency(v.transit, vm->mutable_transit_us(), &no_cdf);
      for (const auto& [place, count] : v.drops_in) add_drops(vm->mutable_drops_in_by_place(), place, count);
      for (const auto& [place, count] : v.drops_out) add_drops(vm->mutable_drops_out_by_place(), place, count);
    }
    for (size_t q = 0; q < v.queues.size(); ++q) {
      VmQueueResult* vq = vm->add_queues();
      vq->set_queue(static_cast<uint32_t>(q));
      vq->set_vcpu_core(v.queues[q].vcpu_core);
      vq->set_rx_packets(v.queues[q].rx_packets);
      vq->set_tx_packets(v.queues[q].tx_packets);
      vq->set_interrupts(v.queues[q].interrupts);
      vq->set_kicks(v.queues[q].kicks);
      vq->set_rx_buffers(v.queues[q].rx_buffers);
    }
  }
  for (const models::PathResults::SwitchPmd& p : r.switch_pmds) {
    SwitchPmdResult* pr = b.add_switch_pmds();
    pr->set_core(p.core);
    for (const std::string& q : p.rxqs) pr->add_rxqs(q);
    pr->set_busy(p.busy);
    pr->set_packets(p.packets);
    pr->set_empty_poll_share(p.empty_poll_share);
  }
  if (r.ovs_kernel) {
    OvsKernelResult* o = b.mutable_ovs_kernel();
    o->set_hits(r.ovs_kernel->hits);
    o->set_upcalls(r.ovs_kernel->upcalls);
    o->set_upcall_drops(r.ovs_kernel->upcall_drops);
    o->set_megaflows_installed(r.ovs_kernel->installed);
    o->set_megaflows(r.ovs_kernel->megaflows);
    o->set_handler_busy(r.ovs_kernel->handler_busy);
  }
  for (size_t core = 0; core < r.per_core_s.size(); ++core) {
    CoreUsage* cu = b.add_per_core();
    cu->set_core(static_cast<uint32_t>(core));
    double busy = 0;
    for (int i = 0; i < models::kCpuCategories; ++i) {
      const double share = r.window_s > 0 ? r.per_core_s[core][i] / r.window_s : 0;
      if (static_cast<models::CpuCategory>(i) != models::CpuCategory::kIdle) busy += share;
      if (share > 0) add_named(cu->mutable_by_category(), models::category_name(static_cast<models::CpuCategory>(i)), share);
    }
    cu->set_busy(busy);
    cu->set_polling(r.window_s > 0 ? r.per_core_polling_s[core] / r.window_s : 0);
  }
  b.set_events(r.events);
  b.set_sim_time_s(r.window_s);
  b.set_wall_s(r.wall_s);
  b.set_fingerprint(r.fingerprint);
  b.set_app_packets(r.app_packets);
  b.set_nic_packets(r.nic_packets);
  return b;
}

RunSummary summary_header(const Scenario& scenario, const std::string& scenario_file) {
  RunSummary summary;
  summary.set_scenario_name(scenario.name());
  summary.set_scenario_file(scenario_file);
  summary.set_seed(scenario.seed());
  summary.set_viosim_version(VIOSIM_VERSION);
  summary.set_latency_kind(latency_kind(scenario));
  return summary;
}

RunSummary run(const Scenario& scenario, const RunOptions& options) {
  RunSummary summary = summary_header(scenario, options.scenario_file);

  std::string first_error;
  const std::vector<models::PathBackend> backends = scenarios::compared_backends(scenario);
  for (size_t i = 0; i < backends.size(); ++i) {
    const models::PathBackend backend = backends[i];
    const std::string name(models::backend_name(backend));
    try {
      models::PathConfig config = scenarios::build_path_config(scenario, backend);
      if (!options.trace_path.empty()) {
        config.trace_path = options.trace_path;
        if (backends.size() > 1) {
          const size_t dot = config.trace_path.rfind('.');
          const size_t slash = config.trace_path.rfind('/');
          const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
          config.trace_path = has_ext ? config.trace_path.substr(0, dot) + "." + name + config.trace_path.substr(dot)
                                      : config.trace_path + "." + name;
        }
        config.trace_from = options.trace_from;
        config.trace_to = options.trace_to;
      }
      if (options.progress) {
        config.progress = [&options, name, i, n = backends.size()](double f) {
          options.progress(name, static_cast<int>(i), static_cast<int>(n), f);
        };
      }
      if (options.snapshot) {
        config.snapshot = [&options, name, i, n = backends.size()](const models::PathSnapshot& s) {
          options.snapshot(name, static_cast<int>(i), static_cast<int>(n), s);
        };
      }
      config.cancel = options.cancel;
      *summary.add_backend() = to_backend_result(models::run_path(config));
      for (std::string& w : flow_warnings(summary.backend(summary.backend_size() - 1), scenario.run().warmup_ms())) {
        summary.add_warnings(std::move(w));
      }
      if (options.backend_done) options.backend_done(summary.backend(summary.backend_size() - 1));
    } catch (const scenarios::NotModelled& e) {
      if (first_error.empty()) first_error = e.what();
      SkippedBackend* s = summary.add_skipped();
      s->set_backend(name);
      s->set_reason(std::string("not modelled yet: ") + e.what());
    } catch (const std::invalid_argument& e) {
      SkippedBackend* s = summary.add_skipped();
      s->set_backend(name);
      s->set_reason(e.what());
    }
  }
  if (summary.backend_size() == 0) {
    throw scenarios::NotModelled("", first_error.empty() ? "none of the compared backends is modelled yet" : first_error);
  }
  return summary;
}

}  // namespace viosim
