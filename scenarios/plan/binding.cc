#include "scenarios/plan/binding.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace viosim::plan {
namespace {

// What runs on each core, from one run's results.
std::map<uint32_t, std::string> roles(const viosim::BackendResult& r) {
  std::map<uint32_t, std::string> out;
  auto add = [&out](uint32_t core, const std::string& role) {
    std::string& text = out[core];
    text += (text.empty() ? "" : " + ") + role;
  };
  for (const viosim::VmResult& vm : r.vms()) {
    for (int i = 0; i < vm.vcpu_cores_size(); ++i)
      add(vm.vcpu_cores(i), "vCPU " + std::to_string(i) + " of " + vm.name());
  }
  for (const viosim::SwitchPmdResult& pmd : r.switch_pmds()) add(pmd.core(), "switch PMD");
  for (const viosim::CoreUsage& core : r.per_core()) {
    if (out.count(core.core())) continue;
    std::vector<std::pair<double, std::string>> categories;
    for (const viosim::NamedValue& c : core.by_category()) {
      if (c.name() != "idle" && c.value() > 0) categories.push_back({c.value(), c.name()});
    }
    std::sort(categories.begin(), categories.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string text = "host:";
    for (size_t i = 0; i < categories.size() && i < 2; ++i) {
      text += (i ? ", " : " ") + categories[i].second + " " + percent(categories[i].first);
    }
    out[core.core()] = text;
  }
  return out;
}

}  // namespace

std::string percent(double share) { return std::to_string(static_cast<int>(std::lround(share * 100))) + " %"; }

std::vector<viosim::PlanResource> busiest_cores(const std::vector<viosim::BackendResult>& replications, size_t count) {
  if (replications.empty()) return {};
  struct Sum {
    double busy = 0, work = 0;
  };
  std::map<uint32_t, Sum> sums;
  for (const viosim::BackendResult& r : replications) {
    for (const viosim::CoreUsage& core : r.per_core()) {
      Sum& s = sums[core.core()];
      s.busy += core.busy();
      s.work += std::max(0.0, core.busy() - core.polling());
    }
  }
  const std::map<uint32_t, std::string> role = roles(replications.front());
  std::vector<viosim::PlanResource> out;
  for (const auto& [core, s] : sums) {
    const double n = double(replications.size());
    if (s.work / n <= 0) continue;
    viosim::PlanResource res;
    res.set_name("core " + std::to_string(core));
    const auto it = role.find(core);
    res.set_role(it != role.end() ? it->second : "");
    res.set_busy(s.busy / n);
    res.set_work(s.work / n);
    out.push_back(res);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.work() > b.work(); });
  if (out.size() > count) out.resize(count);
  return out;
}

std::vector<viosim::PlaceCount> drops_by_place(const std::vector<viosim::BackendResult>& replications) {
  std::map<std::string, uint64_t> sums;
  for (const viosim::BackendResult& r : replications) {
    for (const viosim::PlaceCount& d : r.drops_by_place()) sums[d.place()] += d.count();
  }
  std::vector<viosim::PlaceCount> out;
  for (const auto& [place, n] : sums) {
    if (n == 0) continue;
    viosim::PlaceCount p;
    p.set_place(place);
    p.set_count(n);
    out.push_back(p);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.count() > b.count(); });
  return out;
}

}  // namespace viosim::plan
