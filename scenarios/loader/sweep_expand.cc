// Axis values and their combination into points.
#include "scenarios/loader/sweep_expand.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "scenarios/loader/field_path.h"
#include "scenarios/loader/sweep_range.h"
#include "scenarios/schema/field_options.h"

namespace viosim::sweep {
namespace {

using google::protobuf::FieldDescriptor;

bool is_integral(const FieldDescriptor* field) {
  return field->cpp_type() != FieldDescriptor::CPPTYPE_DOUBLE && field->cpp_type() != FieldDescriptor::CPPTYPE_FLOAT;
}

std::string range_text(double value, bool integral) {
  if (integral) return schema::format_number(std::round(value));
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.12g", value);
  return schema::format_number(std::strtod(buffer, nullptr));
}

}  // namespace

std::vector<std::string> axis_values(const viosim::Scenario& scenario, const viosim::Axis& axis) {
  if (!axis.has_range()) return {axis.values().begin(), axis.values().end()};
  viosim::Scenario scratch = scenario;
  std::string error;
  const auto target = scenarios::resolve_path(&scratch, axis.field(), /*create=*/true, &error);
  if (!target) throw SweepError("sweep field \"" + axis.field() + "\": " + error);
  const bool integral = is_integral(target->field);
  const int count = static_cast<int>(scenarios::range_count(axis.range()));
  std::vector<std::string> values;
  values.reserve(count);
  for (int i = 0; i < count; ++i) values.push_back(range_text(scenarios::range_value(axis.range(), i), integral));
  return values;
}

AxisGrid expand_axes(const viosim::Scenario& scenario) {
  const viosim::Sweep& sweep = scenario.sweep();
  AxisGrid grid;
  std::vector<std::vector<std::string>> values;
  for (const viosim::Axis& axis : sweep.axis()) {
    grid.fields.push_back(axis.field());
    values.push_back(axis_values(scenario, axis));
  }
  if (values.empty()) {
    grid.points.emplace_back();
    return grid;
  }
  if (sweep.mode() == viosim::Sweep::ZIP) {
    for (size_t a = 1; a < values.size(); ++a) {
      if (values[a].size() != values[0].size()) {
        throw SweepError("ZIP sweeps need axes of equal length, but sweep.axis[" + std::to_string(a) + "] has " +
                         std::to_string(values[a].size()) + " values and sweep.axis[0] has " +
                         std::to_string(values[0].size()));
      }
    }
    for (size_t i = 0; i < values[0].size(); ++i) {
      std::vector<std::string>& point = grid.points.emplace_back();
      for (const auto& axis : values) point.push_back(axis[i]);
    }
    return grid;
  }
  // CROSS: count in mixed radix, the last axis as the fastest digit.
  size_t total = 1;
  for (const auto& axis : values) total *= axis.size();
  grid.points.reserve(total);
  std::vector<size_t> digit(values.size(), 0);
  for (size_t p = 0; p < total; ++p) {
    std::vector<std::string>& point = grid.points.emplace_back();
    for (size_t a = 0; a < values.size(); ++a) point.push_back(values[a][digit[a]]);
    for (size_t a = values.size(); a-- > 0;) {
      if (++digit[a] < values[a].size()) break;
      digit[a] = 0;
    }
  }
  return grid;
}

viosim::Scenario scenario_at(const viosim::Scenario& base, const AxisGrid& grid, size_t axis_point) {
  viosim::Scenario s = base;
  s.clear_sweep();
  const std::vector<std::string>& values = grid.points.at(axis_point);
  for (size_t a = 0; a < values.size(); ++a) {
    std::string error;
    const auto target = scenarios::resolve_path(&s, grid.fields[a], /*create=*/true, &error);
    if (!target || !scenarios::set_from_text(*target, values[a], &error)) {
      throw SweepError("sweep field \"" + grid.fields[a] + "\" = " + values[a] + ": " + error);
    }
  }
  return s;
}

std::vector<viosim::Backend> run_backends(const viosim::Scenario& s) {
  std::vector<viosim::Backend> out;
  for (int b : s.compare().backend()) out.push_back(static_cast<viosim::Backend>(b));
  if (out.empty() && s.vm_size() > 0) out.push_back(s.vm(0).nic().backend());
  return out;
}

void run_only(viosim::Scenario* s, viosim::Backend backend) {
  s->mutable_compare()->clear_backend();
  s->mutable_compare()->add_backend(backend);
}

}  // namespace viosim::sweep
