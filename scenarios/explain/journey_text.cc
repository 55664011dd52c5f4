// journey_text: fixed columns, times in microseconds with three decimals
// (rounded to the nanosecond with integer arithmetic, so the text is the
// same on every machine).
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <sstream>

#include "models/host/cpu_category.h"
#include "scenarios/explain/explain.h"

namespace viosim::explain {
namespace {

// A non-negative span in microseconds after `prefix`: "12.345".
std::string us(core::Duration d, const char* prefix = "") {
  const long long ns = (d.ps() + 500) / 1000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%lld.%03lld", prefix, ns / 1000, ns % 1000);
  return buf;
}

std::string line(const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

void write_header(const Journey& j, std::ostream& out) {
  out << "packet " << j.index << " of \"" << j.scenario << "\" through " << j.backend << "\n";
  out << "  flow \"" << j.flow << "\", " << j.kind << ", " << j.bytes << "-byte frame, " << j.direction << "\n";
  out << "  born at " << us(j.from - core::Time::zero()) << " us, delivered at " << us(j.to - core::Time::zero())
      << " us: " << us(j.one_way()) << " us one way\n";
}

void write_hops(const Journey& j, std::ostream& out) {
  out << "\nhops (time in us after birth, +step since the previous hop, place, what happened, [who moved it]);\n"
         "indented between them, what happened on the way (time, kind, track, event)\n";
  core::Time previous = j.from;
  for (const Hop& hop : j.hops) {
    if (hop.earlier > 0) {
      out << line("%18s %10s  %s\n", "", "", ("(" + std::to_string(hop.earlier) + " earlier event" +
                                              (hop.earlier == 1 ? "" : "s") + " of these kinds and tracks)")
                                                 .c_str());
    }
    for (const Cause& c : hop.causes) {
      out << line("%18s %10s  %-9s  %-22s %s\n", "", us(c.at - j.from).c_str(),
                  std::string(models::cause_kind_name(c.kind)).c_str(), c.where.c_str(), c.text.c_str());
    }
    if (hop.elsewhere > 0) {
      out << line("%18s %10s  %s\n", "", "", ("(" + std::to_string(hop.elsewhere) + " more event" +
                                              (hop.elsewhere == 1 ? "" : "s") + " elsewhere on the machine)")
                                                 .c_str());
    }
    const std::string step = &hop == &j.hops.front() ? "" : us(hop.at - previous, "+");
    std::string what = hop.what;
    if (!hop.via.empty()) {
      std::string via;
      for (const std::string& v : hop.via) via += (via.empty() ? "" : ", ") + v;
      what += " (via " + via + ")";
    }
    out << line("%10s %9s  %-26s %s  [%s]\n", us(hop.at - j.from).c_str(), step.c_str(), hop.place.c_str(),
                what.c_str(), hop.where.c_str());
    previous = hop.at;
  }
}

void write_cores(const Journey& j, std::ostream& out) {
  out << "\ncores over the " << us(j.one_way()) << " us (us per CPU category, then the slices: from, to, "
         "category, thread)\n";
  std::map<uint32_t, std::vector<const CoreSlice*>> by_core;
  for (const CoreSlice& s : j.timeline) by_core[s.core].push_back(&s);
  std::string idle;
  for (const auto& [core, slices] : by_core) {
    if (slices.size() == 1 && slices.front()->thread.empty() &&
        slices.front()->category == models::category_name(models::CpuCategory::kIdle)) {
      idle += (idle.empty() ? "" : ", ") + std::to_string(core);
      continue;
    }
    std::array<core::Duration, models::kCpuCategories> total{};
    for (const CoreSlice* s : slices) {
      for (int c = 0; c < models::kCpuCategories; ++c) {
        if (models::category_name(static_cast<models::CpuCategory>(c)) == s->category) total[c] += s->to - s->from;
      }
    }
    out << "  core " << core << ":";
    const char* separator = " ";
    for (int c = 0; c < models::kCpuCategories; ++c) {
      if (total[c] == core::Duration::zero()) continue;
      out << separator << models::category_name(static_cast<models::CpuCategory>(c)) << " " << us(total[c]);
      separator = ", ";
    }
    out << "\n";
    for (const CoreSlice* s : slices) {
      std::string what = s->category;
      if (!s->thread.empty()) {
        what.resize(std::max<size_t>(what.size() + 1, 13), ' ');
        what += s->thread;
      }
      out << line("    %10s %10s  %s\n", us(s->from - j.from).c_str(), us(s->to - j.from).c_str(), what.c_str());
    }
  }
  if (!idle.empty()) out << "  idle throughout: core" << (idle.find(',') != std::string::npos ? "s " : " ") << idle << "\n";
}

}  // namespace

std::string journey_text(const Journey& journey) {
  std::ostringstream out;
  write_header(journey, out);
  write_hops(journey, out);
  write_cores(journey, out);
  return out.str();
}

}  // namespace viosim::explain
