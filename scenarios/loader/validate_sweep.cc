// Rules about sweeps: each axis names one numeric, bool or enum field that
// exists in this scenario, its values parse and sit in the field's range,
// zipped axes have equal lengths, and the grid stays a size one can run.
// Running the points is a later step; here every point is known valid field
// by field.
#include <cmath>
#include <map>

#include "scenarios/loader/field_path.h"
#include "scenarios/loader/sweep_range.h"
#include "scenarios/loader/validate.h"
#include "scenarios/loader/validate_ranges.h"
#include "scenarios/schema/field_options.h"

namespace viosim::scenarios {
namespace {

using google::protobuf::FieldDescriptor;

constexpr double kMaxPoints = 1e6;

bool integral_field(const FieldDescriptor* field) {
  return schema::is_numeric(field) && field->cpp_type() != FieldDescriptor::CPPTYPE_DOUBLE &&
         field->cpp_type() != FieldDescriptor::CPPTYPE_FLOAT;
}

// Number of values of a range axis, or nothing (and an issue) if invalid.
std::optional<double> check_range(const viosim::AxisRange& range, const ResolvedField& target,
                                  const std::string& path, Issues* issues) {
  if (!range.has_from() || !range.has_to()) {
    issues->push_back({path, "a sweep range needs both from and to"});
    return std::nullopt;
  }
  if (range.spacing_case() == viosim::AxisRange::SPACING_NOT_SET) {
    issues->push_back({path, "a sweep range needs step (added) or factor (multiplied)"});
    return std::nullopt;
  }
  if (!schema::is_numeric(target.field)) {
    const bool is_enum = target.field->type() == FieldDescriptor::TYPE_ENUM;
    issues->push_back({path, target.path + (is_enum ? " is an enum" : " is a " + std::string(target.field->type_name())) +
                                 "; list its values instead of a range"});
    return std::nullopt;
  }
  const double from = range.from(), to = range.to();
  if (!std::isfinite(from) || !std::isfinite(to) || from > to) {
    issues->push_back({path + ".to", "a sweep range must go up: from " + schema::format_number(from) + " to " +
                                         schema::format_number(to)});
    return std::nullopt;
  }
  if (range.has_step()) {
    if (!(range.step() > 0)) return std::nullopt;  // reported by the range check of `step`
  } else {
    if (!(range.factor() > 1)) return std::nullopt;
    if (from <= 0) {
      issues->push_back({path + ".from", "a sweep range with a factor must start above 0, not at " +
                                             schema::format_number(from)});
      return std::nullopt;
    }
  }
  const double count = range_count(range);
  if (count > kMaxPoints) {
    issues->push_back({path, "this range has " + schema::format_number(count) + " values; at most " +
                                 schema::format_number(kMaxPoints) + " are allowed"});
    return std::nullopt;
  }
  double value = from, last = from;
  for (int i = 0; i < static_cast<int>(count); ++i) {
    value = range_value(range, i);
    if (integral_field(target.field) && std::abs(value - std::round(value)) > 1e-9 * std::max(1.0, std::abs(value))) {
      issues->push_back({path, target.path + " takes integers, but this range yields " + schema::format_number(value)});
      return std::nullopt;
    }
    last = value;
  }
  for (double v : {from, last}) {
    if (auto problem = range_problem(target.field, v, target.path)) {
      issues->push_back({path, "this range reaches a value out of range: " + *problem});
      return std::nullopt;
    }
  }
  return count;
}

}  // namespace

void validate_sweep(const viosim::Scenario& s, Issues* issues) {
  const viosim::Sweep& sweep = s.sweep();
  std::map<std::string, int> swept;  // canonical path -> axis
  std::vector<double> lengths;
  // Values are tried on a copy, so checking never changes the scenario; one
  // copy for all axes (a copy per axis is quadratic in the axes).
  viosim::Scenario scratch = s;
  for (int a = 0; a < sweep.axis_size(); ++a) {
    const viosim::Axis& axis = sweep.axis(a);
    const std::string path = at("sweep.axis", a);
    if (axis.field().empty()) {
      issues->push_back({path, path + " has no field; name the swept field, e.g. field: \"vm[0].nic.queues\""});
      continue;
    }
    std::string error;
    auto target = resolve_path(&scratch, axis.field(), /*create=*/false, &error);
    if (!target) {
      issues->push_back({path + ".field", "sweep field \"" + axis.field() + "\": " + error});
      continue;
    }
    const FieldDescriptor* field = target->field;
    if (target->path.rfind("sweep", 0) == 0 || target->path == "base") {
      issues->push_back({path + ".field", "a sweep cannot sweep " + target->path});
      continue;
    }
    // A whole list (pmd_cores, pin_cores) is swept by lists as values.
    const bool whole_list = field->is_repeated() && target->index < 0;
    if (field->type() == FieldDescriptor::TYPE_MESSAGE || (whole_list && axis.has_range())) {
      issues->push_back({path + ".field", "sweep field \"" + axis.field() + "\" is " +
                                              (field->is_repeated() ? "a list; sweep it by lists, values: [\"[1]\", \"[1, 2]\"], "
                                                                      "or one element by a range, e.g. " + target->path + "[0]"
                                                                    : std::string("a message; name one of its fields"))});
      continue;
    }
    if (field->type() == FieldDescriptor::TYPE_STRING || field->type() == FieldDescriptor::TYPE_BYTES) {
      issues->push_back({path + ".field", "sweep field \"" + axis.field() + "\" is a string; sweeps take numeric, "
                                                                            "bool or enum fields"});
      continue;
    }
    if (auto [it, fresh] = swept.emplace(target->path, a); !fresh) {
      issues->push_back({path + ".field", path + " sweeps " + target->path + " again; " + at("sweep.axis", it->second) +
                                              " already does"});
      continue;
    }
    const bool has_values = axis.values_size() > 0;
    if (has_values == axis.has_range()) {
      issues->push_back({has_values ? path + ".range" : path + ".values",
                         has_values ? path + " has both values and a range; keep one"
                                    : path + " has no values; give values: [...] or range { from: .. to: .. step: .. }"});
      continue;
    }
    if (axis.has_range()) {
      if (auto count = check_range(axis.range(), *target, path + ".range", issues)) lengths.push_back(*count);
      continue;
    }
    bool values_ok = true;
    for (int v = 0; v < axis.values_size(); ++v) {
      const std::string value_path = at(path + ".values", v);
      if (whole_list) {
        const std::string& value = axis.values(v);
        const size_t first = value.find_first_not_of(" \t");
        const size_t last = value.find_last_not_of(" \t");
        if (first == std::string::npos || value[first] != '[' || value[last] != ']') {
          issues->push_back({value_path, "sweep value \"" + value + "\": " + target->path +
                                             " is a list, so each value is one, e.g. \"[1, 2]\""});
          values_ok = false;
          continue;
        }
      }
      if (!set_from_text(*target, axis.values(v), &error)) {
        issues->push_back({value_path, "sweep value: " + error});
        values_ok = false;
      } else if (whole_list) {
        const int size = target->parent->GetReflection()->FieldSize(*target->parent, field);
        for (int i = 0; i < size; ++i) {
          const auto number = numeric_value(*target->parent, field, i);
          if (auto problem = number ? range_problem(field, *number, target->path) : std::nullopt) {
            issues->push_back({value_path, "sweep value: " + *problem});
            values_ok = false;
            break;
          }
        }
      } else if (auto number = numeric_value(*target->parent, field, target->index)) {
        if (auto problem = range_problem(field, *number, target->path)) {
          issues->push_back({value_path, "sweep value: " + *problem});
          values_ok = false;
        }
      }
    }
    if (values_ok) lengths.push_back(axis.values_size());
  }
  if (lengths.size() != static_cast<size_t>(sweep.axis_size())) return;  // lengths of broken axes mean nothing

  if (sweep.mode() == viosim::Sweep::ZIP) {
    for (int a = 1; a < sweep.axis_size(); ++a) {
      if (lengths[a] != lengths[0]) {
        issues->push_back({at("sweep.axis", a), "ZIP sweeps need axes of equal length, but sweep.axis[" +
                                                    std::to_string(a) + "] has " + schema::format_number(lengths[a]) +
                                                    " values and sweep.axis[0] has " + schema::format_number(lengths[0])});
      }
    }
  } else {
    double points = 1;
    for (double length : lengths) points *= length;
    if (points > kMaxPoints) {
      issues->push_back({"sweep", "this sweep has " + schema::format_number(points) + " points; at most " +
                                      schema::format_number(kMaxPoints) + " are allowed (use ZIP, or fewer values)"});
    }
  }
}

}  // namespace viosim::scenarios
