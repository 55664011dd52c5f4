// No silent no-ops: every scalar field the schema lets a scenario set must
// change what happens. For each field the reference scenarios
// (liveness/reference*.textproto: every backend on one queue pair, the
// multi-queue backends on two, interrupts without APICv, and a core shared
// with a CPU-bound VM, two vhost-user VMs on OVS-DPDK's PMDs, a chain of forwarders, and an XPS map) can reach, the
// field is set to other valid values one at a time (--set); the field is live when one of them changes the run (its
// event fingerprints or any figure of its results but the wall clock) in a reference, or when every one of them makes
// the loader warn that it has no effect there or refuse it with a reason. A field that is accepted silently and changes
// nothing fails the test. The few fields that cannot change a run by their nature are listed below, each with why.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "scenarios/loader/field_path.h"
#include "scenarios/loader/loader.h"
#include "scenarios/runner/run_scenario.h"
#include "scenarios/schema/field_options.h"

namespace viosim {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const std::vector<std::string> kReferences = {
    std::string(VIOSIM_TESTS_DIR) + "/liveness/reference.textproto",
    std::string(VIOSIM_TESTS_DIR) + "/liveness/reference_mq.textproto",
    std::string(VIOSIM_TESTS_DIR) + "/liveness/reference_no_apicv.textproto",
    std::string(VIOSIM_TESTS_DIR) + "/liveness/reference_overcommit.textproto",
    std::string(VIOSIM_TESTS_DIR) + "/liveness/reference_ovs.textproto",
    std::string(VIOSIM_TESTS_DIR) + "/liveness/reference_ovs_kernel.textproto",
    std::string(VIOSIM_TESTS_DIR) + "/liveness/reference_forward.textproto",
    std::string(VIOSIM_TESTS_DIR) + "/liveness/reference_xps.textproto",
    std::string(VIOSIM_TESTS_DIR) + "/liveness/reference_qdisc.textproto",
    std::string(VIOSIM_TESTS_DIR) + "/liveness/reference_tcp.textproto"};

// Fields that by their nature cannot change a run, as canonical paths with
// positions replaced by [*].
const std::map<std::string, std::string> kExempt = {
    {"name", "a title for results and plots"},
    {"description", "text for readers of the results"},
    {"base", "where the fields come from, not a field of the run"},
    {"vm[*].name", "a label: flows name the VM by it, so any other value leaves them dangling"},
    {"host.nic[*].name", "a label: VMs name their uplink by it"},
    {"vm[*].nic.uplink", "names a NIC: the reference has one, any other name is refused"},
    {"vm[*].nic.backend", "compare sets every VM's backend; run --backend and the compare list choose it"},
    {"traffic.flow[*].name", "a label in results; it also names the flow's random stream"},
    {"traffic.flow[*].src", "an endpoint: with one VM, every other value is refused"},
    {"traffic.flow[*].dst", "an endpoint: with one VM, every other value is refused"},
};

std::string pattern(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '[') {
      out += "[*]";
      i = path.find(']', i);
    } else {
      out += path[i];
    }
  }
  return out;
}

// Every scalar field under `message` (set or not), as paths: singular ones,
// and element 0 of repeated ones that have elements. Sub-messages are
// followed when set, or when unset and not a oneof member (a oneof member
// other than the chosen one would switch the load, not change a field).
// `sweep` and `compare` choose what runs, not how.
void collect(const Message& message, const std::string& prefix, std::vector<std::string>* out) {
  const Descriptor* type = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const std::string path = prefix + field->name();
    if (path == "sweep" || path == "compare") continue;
    if (field->containing_oneof() != nullptr && !reflection->HasField(message, field)) continue;
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        for (int k = 0; k < size; ++k) {
          collect(reflection->GetRepeatedMessage(message, field, k), path + "[" + std::to_string(k) + "].", out);
        }
      } else if (size > 0) {
        out->push_back(path + "[0]");
      }
      continue;
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      collect(reflection->GetMessage(message, field), path + ".", out);
      continue;
    }
    out->push_back(path);
  }
}

std::vector<std::string> reference_fields() {
  std::vector<std::string> fields;
  for (const std::string& file : kReferences) {
    const auto loaded = scenarios::load_scenario(file);
    if (!loaded.ok()) return {"reference-does-not-load"};
    collect(*loaded.scenario, "", &fields);
  }
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
  return fields;
}

// Other values to try, as --set text, around the current one and at the
// field's limits.
std::vector<std::string> candidates(const Message& root, const std::string& path) {
  Scenario scratch;
  scratch.CopyFrom(root);
  std::string error;
  const auto target = scenarios::resolve_path(&scratch, path, false, &error);
  if (!target) return {};
  const FieldDescriptor* field = target->field;
  const auto* r = target->parent->GetReflection();
  std::vector<std::string> out;
  auto number_candidates = [&](double now, bool integral) {
    std::vector<double> values{now * 2, now / 2, now + 1, now - 1, 0, 1, 2, 3, now * 10, now / 10};
    if (auto min = schema::field_min(field)) values.push_back(*min);
    if (auto max = schema::field_max(field)) values.push_back(*max);
    std::set<std::string> seen;
    for (double v : values) {
      if (integral) v = std::round(v);
      if (v == now || !std::isfinite(v)) continue;
      if (auto min = schema::field_min(field); min && v < *min) continue;
      if (auto max = schema::field_max(field); max && v > *max) continue;
      if (integral && v < 0 && field->cpp_type() != FieldDescriptor::CPPTYPE_INT32 &&
          field->cpp_type() != FieldDescriptor::CPPTYPE_INT64) {
        continue;
      }
      const std::string text = schema::format_number(v);
      if (seen.insert(text).second) out.push_back(text);
    }
  };
  const int k = target->index;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      out.push_back((k >= 0 ? r->GetRepeatedBool(*target->parent, field, k) : r->GetBool(*target->parent, field))
                        ? "false"
                        : "true");
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int now = k >= 0 ? r->GetRepeatedEnumValue(*target->parent, field, k)
                             : r->GetEnumValue(*target->parent, field);
      for (int v = 0; v < field->enum_type()->value_count(); ++v) {
        if (field->enum_type()->value(v)->number() != now) out.push_back(field->enum_type()->value(v)->name());
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string now = k >= 0 ? r->GetRepeatedString(*target->parent, field, k)
                                     : r->GetString(*target->parent, field);
      for (const char* v : {"random", "kvm-2012", "skylake-sp", "10.0.0.9", "10.0.1.9", "10.0.2.7", "192.168.1.1",
                            "172.16.0.3", "other"}) {
        if (now != v) out.push_back(v);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
      number_candidates(k >= 0 ? r->GetRepeatedDouble(*target->parent, field, k) : r->GetDouble(*target->parent, field),
                        false);
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      number_candidates(k >= 0 ? r->GetRepeatedUInt32(*target->parent, field, k) : r->GetUInt32(*target->parent, field),
                        true);
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      number_candidates(
          double(k >= 0 ? r->GetRepeatedUInt64(*target->parent, field, k) : r->GetUInt64(*target->parent, field)), true);
      break;
    default:
      break;
  }
  return out;
}

// What a run gave: every backend's results (fingerprint included), less
// the wall clock.
std::string outcome(const Scenario& scenario) {
  RunSummary summary = run(scenario);
  for (BackendResult& b : *summary.mutable_backend()) b.clear_wall_s();
  return summary.SerializeAsString();
}

class Liveness : public testing::TestWithParam<std::string> {};

TEST_P(Liveness, ChangingTheFieldChangesTheRunOrIsWarnedOrRefused) {
  const std::string path = GetParam();
  ASSERT_NE(path, "reference-does-not-load") << "a liveness reference does not load";
  if (auto exempt = kExempt.find(pattern(path)); exempt != kExempt.end()) {
    GTEST_SKIP() << path << ": " << exempt->second;
  }
  std::vector<std::string> silent;  // accepted without a warning, and changed nothing
  for (const std::string& file : kReferences) {
    const auto reference = scenarios::load_scenario(file);
    ASSERT_TRUE(reference.ok()) << scenarios::format_diagnostics(reference.diagnostics);
    ASSERT_TRUE(reference.warnings.empty()) << scenarios::format_diagnostics(reference.warnings);
    std::string error;
    Scenario probe = *reference.scenario;
    if (!scenarios::resolve_path(&probe, path, false, &error)) continue;  // not in this reference
    const std::string base = outcome(*reference.scenario);
    for (const std::string& value : candidates(*reference.scenario, path)) {
      scenarios::LoadOptions options;
      options.set = {path + "=" + value};
      const auto changed = scenarios::load_scenario(file, options);
      if (!changed.ok() || !changed.warnings.empty()) continue;  // refused or warned: said, not silent
      if (outcome(*changed.scenario) != base) return;           // live
      silent.push_back(value + " (" + file.substr(file.rfind('/') + 1) + ")");
    }
  }
  if (silent.empty()) return;  // every other value is refused or warned about
  std::string tried;
  for (const std::string& v : silent) tried += " " + v;
  ADD_FAILURE() << path << " is accepted but changes nothing: the same results with" << tried
                << "; implement it, warn where it has no effect (scenarios/loader/no_effect.cc), refuse it, or "
                   "remove it";
}

INSTANTIATE_TEST_SUITE_P(Fields, Liveness, testing::ValuesIn(reference_fields()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name;
                           for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace viosim
