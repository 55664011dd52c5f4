// Default filling by reflection, and the few defaults that depend on other
// fields. Computed defaults must cope with invalid input (queues 0, say):
// validation runs after them and reports it.
#include "scenarios/loader/resolve.h"

#include "scenarios/loader/merge.h"
#include "scenarios/loader/nic_drivers.h"
#include "scenarios/loader/profiles.h"

namespace viosim::scenarios {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void set_default(Message* message, const FieldDescriptor* field) {
  const Reflection* r = message->GetReflection();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: r->SetInt32(message, field, field->default_value_int32()); break;
    case FieldDescriptor::CPPTYPE_INT64: r->SetInt64(message, field, field->default_value_int64()); break;
    case FieldDescriptor::CPPTYPE_UINT32: r->SetUInt32(message, field, field->default_value_uint32()); break;
    case FieldDescriptor::CPPTYPE_UINT64: r->SetUInt64(message, field, field->default_value_uint64()); break;
    case FieldDescriptor::CPPTYPE_DOUBLE: r->SetDouble(message, field, field->default_value_double()); break;
    case FieldDescriptor::CPPTYPE_FLOAT: r->SetFloat(message, field, field->default_value_float()); break;
    case FieldDescriptor::CPPTYPE_BOOL: r->SetBool(message, field, field->default_value_bool()); break;
    case FieldDescriptor::CPPTYPE_ENUM: r->SetEnum(message, field, field->default_value_enum()); break;
    case FieldDescriptor::CPPTYPE_STRING: r->SetString(message, field, field->default_value_string()); break;
    case FieldDescriptor::CPPTYPE_MESSAGE: break;
  }
}

// Whether a message type has a default anywhere below it. One that has none
// (a sweep range, a compare list) holds only user choices: creating it empty
// would add nothing but make it look set.
bool has_defaults(const google::protobuf::Descriptor* type, int depth = 0) {
  if (depth > 32) return false;  // the schema has no cycles; stay safe if one appears
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->is_repeated()) continue;
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (has_defaults(field->message_type(), depth + 1)) return true;
    } else if (field->has_default_value()) {
      return true;
    }
  }
  return false;
}

}  // namespace

void fill_defaults(Message* message) {
  const auto* type = message->GetDescriptor();
  const Reflection* r = message->GetReflection();
  // Oneofs first: at most one member may be set, whatever the field order.
  for (int i = 0; i < type->real_oneof_decl_count(); ++i) {
    const auto* oneof = type->oneof_decl(i);
    if (r->HasOneof(*message, oneof)) continue;
    for (int k = 0; k < oneof->field_count(); ++k) {
      if (oneof->field(k)->has_default_value()) {
        set_default(message, oneof->field(k));
        break;
      }
    }
  }
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->is_repeated()) {
      if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
        for (int k = 0; k < r->FieldSize(*message, field); ++k) fill_defaults(r->MutableRepeatedMessage(message, field, k));
      }
      continue;
    }
    if (field->real_containing_oneof() != nullptr) {
      if (field->type() == FieldDescriptor::TYPE_MESSAGE && r->HasField(*message, field)) {
        fill_defaults(r->MutableMessage(message, field));
      }
      continue;
    }
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (r->HasField(*message, field) || has_defaults(field->message_type())) {
        fill_defaults(r->MutableMessage(message, field));
      }
    } else if (!r->HasField(*message, field) && field->has_default_value()) {
      set_default(message, field);
    }
  }
}

viosim::Interrupts default_interrupts(const viosim::Virtualization& offered, bool apicv) {
  viosim::Interrupts out;
  out.set_apicv(apicv);
  out.set_vtd_posted(apicv && offered.vtd_posted_interrupts());
  out.set_ipi_virtualization(apicv && offered.ipi_virtualization());
  return out;
}

bool resolve_scenario(viosim::Scenario* scenario, const SourceMap& map, std::vector<Diagnostic>* diagnostics) {
  viosim::Host* host = scenario->mutable_host();
  if (host->nic_size() == 0) host->add_nic();
  fill_defaults(scenario);
  scenario->clear_base();

  for (int n = 0; n < host->nic_size(); ++n) {
    viosim::Nic* nic = host->mutable_nic(n);
    if (nic->name().empty()) nic->set_name("nic" + std::to_string(n));
  }
  for (viosim::Vm& vm : *scenario->mutable_vm()) {
    if (vm.nic().uplink().empty()) vm.mutable_nic()->set_uplink(host->nic(0).name());
  }

  // The profile goes under the scenario's own cost overrides.
  // Without a profile the rest is still validated, so every error is reported.
  viosim::HostProfile profile;
  const bool loaded = load_profile(host->profile(), map.find("host.profile"), &profile, diagnostics);
  viosim::HostCosts costs = profile.costs();
  SourceMap ignored;
  layer_message(host->costs(), nullptr, nullptr, &costs, "", &ignored);
  *host->mutable_costs() = costs;
  // A NIC without a driver has the profile's (its coalescing defaults,
  // the driver's, are computed where used: see nic_drivers.h).
  for (viosim::Nic& nic : *host->mutable_nic()) {
    if (!nic.has_driver()) nic.set_driver(profile.nic_driver());
  }
  // The host's interrupt virtualization, and each VM's from it: what needs
  // APICv starts off in a VM that turns APICv off.
  viosim::Virtualization offered = profile.virtualization();
  layer_message(host->virtualization(), nullptr, nullptr, &offered, "", &ignored);
  if (!offered.apicv()) {
    // enable_apicv=0 takes posted interrupts and IPIv with it, unless the
    // scenario asks for them (which the validator refuses).
    if (!host->virtualization().has_vtd_posted_interrupts()) offered.set_vtd_posted_interrupts(false);
    if (!host->virtualization().has_ipi_virtualization()) offered.set_ipi_virtualization(false);
  }
  *host->mutable_virtualization() = offered;
  for (viosim::Vm& vm : *scenario->mutable_vm()) {
    viosim::Interrupts* interrupts = vm.mutable_interrupts();
    const bool apicv = interrupts->has_apicv() ? interrupts->apicv() : offered.apicv();
    viosim::Interrupts resolved = default_interrupts(offered, apicv);
    resolved.MergeFrom(*interrupts);  // what the VM set wins
    *interrupts = resolved;
  }
  return loaded;
}

}  // namespace viosim::scenarios
