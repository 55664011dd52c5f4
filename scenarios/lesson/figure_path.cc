// Figure paths, resolved by protobuf reflection over BackendResult: the
// schema is the list of names, so every figure results.proto gains is
// reachable without touching this file.
#include "scenarios/lesson/figure_path.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cctype>
#include <vector>

#include "scenarios/loader/field_path.h"
#include "scenarios/loader/suggest.h"
#include "scenarios/schema/field_options.h"

namespace viosim::lesson {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// One bracket: [KEY] (field empty: the entry's first field) or [FIELD=VALUE].
struct Filter {
  std::string field;
  std::string value;
};

struct Segment {
  std::string field;
  std::vector<Filter> filters;
};

// Splits "a.b[k][f=v].c" into segments; throws std::invalid_argument.
std::vector<Segment> split(const std::string& path) {
  if (path.empty()) throw std::invalid_argument("the figure path is empty");
  std::vector<Segment> segments;
  size_t i = 0;
  while (true) {
    Segment segment;
    while (i < path.size() && (std::isalnum(static_cast<unsigned char>(path[i])) || path[i] == '_')) {
      segment.field += path[i++];
    }
    if (segment.field.empty()) {
      throw std::invalid_argument("expected a field name at character " + std::to_string(i + 1) + " of \"" + path +
                                  "\"");
    }
    while (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos) throw std::invalid_argument("\"[\" without \"]\" in \"" + path + "\"");
      const std::string inside = path.substr(i + 1, close - i - 1);
      if (inside.empty()) throw std::invalid_argument("empty [] in \"" + path + "\": give a key");
      Filter filter;
      const size_t equals = inside.find('=');
      if (equals == std::string::npos) {
        filter.value = inside;
      } else {
        filter.field = inside.substr(0, equals);
        filter.value = inside.substr(equals + 1);
      }
      segment.filters.push_back(filter);
      i = close + 1;
    }
    segments.push_back(segment);
    if (i == path.size()) return segments;
    if (path[i] != '.') {
      throw std::invalid_argument("unexpected \"" + std::string(1, path[i]) + "\" at character " +
                                  std::to_string(i + 1) + " of \"" + path + "\"");
    }
    ++i;
  }
}

// A number a figure can be: what the schema calls numeric, and a bool (0 or 1).
bool numeric(const FieldDescriptor* field) {
  return schema::is_numeric(field) || field->cpp_type() == FieldDescriptor::CPPTYPE_BOOL;
}

// A field an entry can be picked by: one string, whole number or enum.
bool keyable(const FieldDescriptor* field) {
  if (field->is_repeated()) return false;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
    case FieldDescriptor::CPPTYPE_ENUM:
      return true;
    default:
      return false;
  }
}

std::vector<std::string> field_names(const Descriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->field_count(); ++i) names.push_back(type->field(i)->name());
  return names;
}

// The `value` field that stands for a whole entry (NamedValue), if any.
const FieldDescriptor* value_field(const Descriptor* type) {
  const FieldDescriptor* value = type->FindFieldByName("value");
  return value != nullptr && !value->is_repeated() && numeric(value) ? value : nullptr;
}

const FieldDescriptor* find_field(const Descriptor* type, const std::string& name, const std::string& where) {
  const FieldDescriptor* field = type->FindFieldByName(name);
  if (field == nullptr) {
    const std::vector<std::string> names = field_names(type);
    const std::string hint = scenarios::did_you_mean(name, names);
    throw std::invalid_argument(where + " has no field \"" + name + "\"" +
                                (hint.empty() ? "; its fields are: " + scenarios::join(names) : hint));
  }
  return field;
}

// The fields a path walks, checked against the schema; the last is the
// number (or the message whose `value` is).
std::vector<const FieldDescriptor*> check(const std::vector<Segment>& segments) {
  std::vector<const FieldDescriptor*> fields;
  const Descriptor* type = viosim::BackendResult::descriptor();
  std::string where = "a backend's result";
  for (size_t s = 0; s < segments.size(); ++s) {
    const Segment& segment = segments[s];
    if (type == nullptr) {
      throw std::invalid_argument(where + " is a number; nothing follows it (\"." + segment.field + "\")");
    }
    const FieldDescriptor* field = find_field(type, segment.field, where);
    fields.push_back(field);
    where = segment.field;
    if (field->is_repeated() && segment.filters.empty()) {
      throw std::invalid_argument(segment.field + " is a list: pick one entry with [KEY] or [FIELD=VALUE]");
    }
    if (!field->is_repeated() && !segment.filters.empty()) {
      throw std::invalid_argument(segment.field + " is not a list: [" + segment.filters.front().value +
                                  "] does not apply");
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      for (const Filter& filter : segment.filters) {
        const FieldDescriptor* by =
            filter.field.empty() ? field->message_type()->field(0)
                                 : find_field(field->message_type(), filter.field, "an entry of " + segment.field);
        if (!keyable(by)) {
          throw std::invalid_argument((filter.field.empty()
                                           ? segment.field +
                                                 "'s entries have no key to pick one by ([KEY] matches the first "
                                                 "field, " +
                                                 by->name() + ", not a name or a number)"
                                           : "an entry of " + segment.field + " cannot be picked by " + by->name() +
                                                 ": [FIELD=VALUE] takes a field holding one name or whole number"));
        }
      }
      type = field->message_type();
    } else if (numeric(field)) {
      type = nullptr;
    } else {
      throw std::invalid_argument(segment.field + " is not a number");
    }
  }
  if (type != nullptr && value_field(type) == nullptr) {
    throw std::invalid_argument(where + " holds several figures; name one: " + scenarios::join(field_names(type)));
  }
  return fields;
}

// A scalar field of `message` as text: the key it is matched by.
std::string key_text(const Message& message, const FieldDescriptor* field) {
  const Reflection* r = message.GetReflection();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return r->GetString(message, field);
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(r->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(r->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(r->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(r->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_ENUM:
      return r->GetEnum(message, field)->name();
    default:
      throw std::logic_error("not a key field");  // check() allows only keyable ones
  }
}

// A numeric field's value; `index` -1 for a singular field.
double number(const Message& message, const FieldDescriptor* field, int index) {
  return *scenarios::numeric_value(message, field, index);
}

// The one entry of repeated message field `field` of `message` that the
// filters leave.
const Message& narrow(const Message& message, const FieldDescriptor* field, const Segment& segment) {
  const Reflection* r = message.GetReflection();
  const Descriptor* type = field->message_type();
  std::vector<const Message*> left;
  for (int i = 0; i < r->FieldSize(message, field); ++i) left.push_back(&r->GetRepeatedMessage(message, field, i));
  const std::vector<const Message*> all = left;
  std::string shown = segment.field;
  for (const Filter& filter : segment.filters) {
    const FieldDescriptor* by = filter.field.empty() ? type->field(0) : type->FindFieldByName(filter.field);
    std::vector<const Message*> kept;
    for (const Message* entry : left) {
      if (key_text(*entry, by) == filter.value) kept.push_back(entry);
    }
    shown += "[" + (filter.field.empty() ? "" : filter.field + "=") + filter.value + "]";
    if (kept.empty()) {
      std::vector<std::string> keys;
      for (const Message* entry : left) {
        const std::string key = key_text(*entry, by);
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
      }
      throw FigureError(
          "this run has no " + shown +
          (keys.empty() ? ": the list is empty" : "; its " + by->name() + "s are: " + scenarios::join(keys)));
    }
    left = kept;
  }
  if (left.size() > 1) {
    throw FigureError(shown + " leaves " + std::to_string(left.size()) +
                      " entries: narrow it further with [FIELD=VALUE]");
  }
  return *left.front();
}

}  // namespace

std::optional<std::string> figure_path_problem(const std::string& path) {
  try {
    check(split(path));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return std::nullopt;
}

double figure_value(const viosim::BackendResult& result, const std::string& path) {
  const std::vector<Segment> segments = split(path);
  const std::vector<const FieldDescriptor*> fields = check(segments);
  const Message* at = &result;
  for (size_t s = 0; s < segments.size(); ++s) {
    const FieldDescriptor* field = fields[s];
    const Reflection* r = at->GetReflection();
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        // A list of numbers (vcpu_cores): [N] is a position.
        const Filter& filter = segments[s].filters.front();
        char* end = nullptr;
        const long index = std::strtol(filter.value.c_str(), &end, 10);
        if (!filter.field.empty() || segments[s].filters.size() > 1 || *end != '\0' || index < 0 ||
            index >= r->FieldSize(*at, field)) {
          throw FigureError(segments[s].field + " has " + std::to_string(r->FieldSize(*at, field)) +
                            " entries; pick one by its position from 0");
        }
        return number(*at, field, int(index));
      }
      if (!r->HasField(*at, field)) throw FigureError(segments[s].field + " is not in this run's results");
      return number(*at, field, -1);
    }
    if (field->is_repeated()) {
      at = &narrow(*at, field, segments[s]);
    } else {
      if (!r->HasField(*at, field)) throw FigureError(segments[s].field + " is not in this run's results");
      at = &r->GetMessage(*at, field);
    }
  }
  const FieldDescriptor* value = value_field(at->GetDescriptor());
  return number(*at, value, -1);
}

}  // namespace viosim::lesson
