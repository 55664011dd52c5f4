// Path walking and value parsing over protobuf reflection. Values are
// parsed here rather than by the text-format parser so that errors can name
// the field path and suggest enum values.
#include "scenarios/loader/field_path.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "scenarios/loader/suggest.h"
#include "scenarios/schema/field_options.h"

namespace viosim::scenarios {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

struct Step {
  std::string name;
  std::optional<std::string> selector;  // text inside [...]
};

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

std::string unquote(std::string text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front()) {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

bool split_steps(std::string_view path, std::vector<Step>* steps, std::string* error) {
  size_t i = 0;
  while (true) {
    Step step;
    const size_t start = i;
    while (i < path.size() && (std::isalnum(static_cast<unsigned char>(path[i])) || path[i] == '_')) ++i;
    step.name = std::string(path.substr(start, i - start));
    if (step.name.empty()) {
      *error = "expected a field name at position " + std::to_string(i + 1) + " of \"" + std::string(path) + "\"";
      return false;
    }
    if (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string_view::npos) {
        *error = "missing ']' in \"" + std::string(path) + "\"";
        return false;
      }
      step.selector = unquote(trim(path.substr(i + 1, close - i - 1)));
      i = close + 1;
    }
    steps->push_back(std::move(step));
    if (i == path.size()) return true;
    if (path[i] != '.') {
      *error = "unexpected '" + std::string(1, path[i]) + "' in \"" + std::string(path) + "\"";
      return false;
    }
    ++i;
  }
}

std::optional<int> parse_index(const std::string& text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// Index of the element a selector names: a position or a `name` value.
std::optional<int> select_element(const Message& parent, const FieldDescriptor* field, const std::string& selector,
                                  const std::string& shown_path, std::string* error) {
  const Reflection* reflection = parent.GetReflection();
  const int size = reflection->FieldSize(parent, field);
  if (const auto index = parse_index(selector)) {
    if (*index < size) return index;
    *error = shown_path + "[" + selector + "] does not exist: there " + (size == 1 ? "is " : "are ") +
             std::to_string(size) + " " + field->name();
    return std::nullopt;
  }
  const FieldDescriptor* name_field =
      field->message_type() ? field->message_type()->FindFieldByName("name") : nullptr;
  if (name_field == nullptr || name_field->type() != FieldDescriptor::TYPE_STRING) {
    *error = shown_path + " is indexed by position, not \"" + selector + "\"";
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (int i = 0; i < size; ++i) {
    const Message& element = reflection->GetRepeatedMessage(parent, field, i);
    const std::string name = element.GetReflection()->GetString(element, name_field);
    if (name == selector) return i;
    names.push_back(name);
  }
  *error = "there is no " + field->name() + " named \"" + selector + "\"" + did_you_mean(selector, names);
  if (!names.empty() && did_you_mean(selector, names).empty()) *error += " (names: " + join(names) + ")";
  return std::nullopt;
}

std::string type_word(const FieldDescriptor* field) {
  if (field->type() == FieldDescriptor::TYPE_ENUM) return field->enum_type()->name();
  return field->type_name();
}

// Parses one scalar and stores it (index -1 and not repeated: set; index
// -1 and repeated: add; otherwise replace element `index`).
bool store_scalar(Message* parent, const FieldDescriptor* field, int index, const std::string& raw,
                  const std::string& path, std::string* error) {
  const Reflection* r = parent->GetReflection();
  const bool add = field->is_repeated() && index < 0;
  const std::string text = trim(raw);
  auto fail = [&](const std::string& what) {
    *error = "expected " + what + " for " + path + " (" + type_word(field) + "), got \"" + text + "\"";
    return false;
  };
  auto parse_integer = [&](auto* out) {
    using T = std::remove_pointer_t<decltype(out)>;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
    if (ec == std::errc::result_out_of_range) {
      *error = text + " does not fit in " + path + " (" + type_word(field) + ": " +
               std::to_string(std::numeric_limits<T>::min()) + " to " + std::to_string(std::numeric_limits<T>::max()) + ")";
      return false;
    }
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
      return fail(std::is_unsigned_v<T> ? "a non-negative integer" : "an integer");
    }
    return true;
  };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!parse_integer(&v)) return false;
      add ? r->AddInt32(parent, field, v) : index >= 0 ? r->SetRepeatedInt32(parent, field, index, v) : r->SetInt32(parent, field, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!parse_integer(&v)) return false;
      add ? r->AddInt64(parent, field, v) : index >= 0 ? r->SetRepeatedInt64(parent, field, index, v) : r->SetInt64(parent, field, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v = 0;
      if (!text.empty() && text[0] == '-') return fail("a non-negative integer");
      if (!parse_integer(&v)) return false;
      add ? r->AddUInt32(parent, field, v) : index >= 0 ? r->SetRepeatedUInt32(parent, field, index, v) : r->SetUInt32(parent, field, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v = 0;
      if (!text.empty() && text[0] == '-') return fail("a non-negative integer");
      if (!parse_integer(&v)) return false;
      add ? r->AddUInt64(parent, field, v) : index >= 0 ? r->SetRepeatedUInt64(parent, field, index, v) : r->SetUInt64(parent, field, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) return fail("a number");
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        add ? r->AddDouble(parent, field, v) : index >= 0 ? r->SetRepeatedDouble(parent, field, index, v) : r->SetDouble(parent, field, v);
      } else {
        const auto f = static_cast<float>(v);
        add ? r->AddFloat(parent, field, f) : index >= 0 ? r->SetRepeatedFloat(parent, field, index, f) : r->SetFloat(parent, field, f);
      }
      return true;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (text == "true") v = true;
      else if (text == "false") v = false;
      else return fail("true or false");
      add ? r->AddBool(parent, field, v) : index >= 0 ? r->SetRepeatedBool(parent, field, index, v) : r->SetBool(parent, field, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = field->enum_type()->FindValueByName(text);
      if (value == nullptr) {
        std::vector<std::string> names;
        for (int i = 0; i < field->enum_type()->value_count(); ++i) names.push_back(field->enum_type()->value(i)->name());
        *error = "unknown value \"" + text + "\" for " + path + did_you_mean(text, names) + " (choices: " + join(names) + ")";
        return false;
      }
      add ? r->AddEnum(parent, field, value) : index >= 0 ? r->SetRepeatedEnum(parent, field, index, value) : r->SetEnum(parent, field, value);
      return true;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string v = unquote(text);
      add ? r->AddString(parent, field, v) : index >= 0 ? r->SetRepeatedString(parent, field, index, v) : r->SetString(parent, field, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  *error = path + " is a message; set one of its fields, e.g. " + path + "." + field->message_type()->field(0)->name();
  return false;
}

}  // namespace

std::optional<ResolvedField> resolve_path(Message* root, std::string_view path_text, bool create, std::string* error) {
  std::vector<Step> steps;
  const std::string text = trim(path_text);
  if (text.empty()) {
    *error = "empty field path";
    return std::nullopt;
  }
  if (!split_steps(text, &steps, error)) return std::nullopt;

  Message* current = root;
  std::string path;
  for (size_t s = 0; s < steps.size(); ++s) {
    const Step& step = steps[s];
    const Descriptor* type = current->GetDescriptor();
    const FieldDescriptor* field = type->FindFieldByName(step.name);
    const std::string where = path.empty() ? type->full_name() : path + " (" + type->full_name() + ")";
    if (field == nullptr) {
      std::vector<std::string> names;
      for (int i = 0; i < type->field_count(); ++i) names.push_back(type->field(i)->name());
      const std::string hint = did_you_mean(step.name, names);
      *error = where + " has no field \"" + step.name + "\"" + (hint.empty() ? "; its fields are: " + join(names) : hint);
      return std::nullopt;
    }
    const std::string field_path = path.empty() ? field->name() : path + "." + field->name();
    const bool last = s + 1 == steps.size();
    const Reflection* reflection = current->GetReflection();

    if (step.selector && !field->is_repeated()) {
      *error = field_path + " is not a repeated field; drop \"[" + *step.selector + "]\"";
      return std::nullopt;
    }
    if (field->type() != FieldDescriptor::TYPE_MESSAGE) {
      if (!last) {
        *error = field_path + " is a " + type_word(field) + ", not a message; nothing can follow it";
        return std::nullopt;
      }
      ResolvedField out{current, field, -1, field_path};
      if (step.selector) {
        const auto index = parse_index(*step.selector);
        const int size = reflection->FieldSize(*current, field);
        if (!index || *index >= size) {
          *error = field_path + "[" + *step.selector + "] does not exist: " + field_path + " has " +
                   std::to_string(size) + (size == 1 ? " element" : " elements");
          return std::nullopt;
        }
        out.index = *index;
        out.path += "[" + std::to_string(*index) + "]";
      }
      return out;
    }

    // A message field.
    if (field->is_repeated()) {
      if (!step.selector) {
        if (last) return ResolvedField{current, field, -1, field_path};
        *error = field_path + " is repeated; say which one, e.g. " + field_path + "[0]";
        return std::nullopt;
      }
      const auto index = select_element(*current, field, *step.selector, field_path, error);
      if (!index) return std::nullopt;
      path = field_path + "[" + std::to_string(*index) + "]";
      current = reflection->MutableRepeatedMessage(current, field, *index);
      if (last) {
        *error = path + " is a message; name one of its fields";
        return std::nullopt;
      }
      continue;
    }
    if (last) return ResolvedField{current, field, -1, field_path};
    if (!reflection->HasField(*current, field)) {
      const auto* oneof = field->real_containing_oneof();
      if (oneof != nullptr) {
        if (const FieldDescriptor* other = reflection->GetOneofFieldDescriptor(*current, oneof)) {
          *error = (path.empty() ? std::string("the scenario") : path) + " uses " + other->name() + ", so " +
                   field_path + " cannot be set";
          return std::nullopt;
        }
      }
      if (!create) {
        *error = field_path + " is not set";
        return std::nullopt;
      }
    }
    path = field_path;
    current = reflection->MutableMessage(current, field);
  }
  *error = "empty field path";
  return std::nullopt;
}

bool set_from_text(const ResolvedField& target, std::string_view text, std::string* error) {
  const FieldDescriptor* field = target.field;
  if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
    *error = target.path + " is a message; set one of its fields, e.g. " + target.path +
             (field->is_repeated() ? "[0]." : ".") + field->message_type()->field(0)->name();
    return false;
  }
  if (!field->is_repeated() || target.index >= 0) {
    return store_scalar(target.parent, field, target.index, std::string(text), target.path, error);
  }
  // A whole repeated scalar: a list that replaces it.
  std::string list = trim(text);
  if (list.size() >= 2 && list.front() == '[' && list.back() == ']') list = list.substr(1, list.size() - 2);
  const Reflection* reflection = target.parent->GetReflection();
  // Parse into a scratch copy first so a bad element leaves the field as it was.
  std::unique_ptr<Message> scratch(target.parent->New());
  if (!trim(list).empty()) {
    size_t start = 0;
    while (true) {
      const size_t comma = list.find(',', start);
      const std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!store_scalar(scratch.get(), field, -1, item, target.path, error)) return false;
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  reflection->SwapFields(target.parent, scratch.get(), {field});
  return true;
}

std::optional<double> numeric_value(const Message& parent, const FieldDescriptor* field, int index) {
  const Reflection* r = parent.GetReflection();
  const bool rep = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return rep ? r->GetRepeatedInt32(parent, field, index) : r->GetInt32(parent, field);
    case FieldDescriptor::CPPTYPE_INT64: return static_cast<double>(rep ? r->GetRepeatedInt64(parent, field, index) : r->GetInt64(parent, field));
    case FieldDescriptor::CPPTYPE_UINT32: return rep ? r->GetRepeatedUInt32(parent, field, index) : r->GetUInt32(parent, field);
    case FieldDescriptor::CPPTYPE_UINT64: return static_cast<double>(rep ? r->GetRepeatedUInt64(parent, field, index) : r->GetUInt64(parent, field));
    case FieldDescriptor::CPPTYPE_DOUBLE: return rep ? r->GetRepeatedDouble(parent, field, index) : r->GetDouble(parent, field);
    case FieldDescriptor::CPPTYPE_FLOAT: return rep ? r->GetRepeatedFloat(parent, field, index) : r->GetFloat(parent, field);
    case FieldDescriptor::CPPTYPE_BOOL: return (rep ? r->GetRepeatedBool(parent, field, index) : r->GetBool(parent, field)) ? 1.0 : 0.0;
    case FieldDescriptor::CPPTYPE_ENUM: return rep ? r->GetRepeatedEnumValue(parent, field, index) : r->GetEnumValue(parent, field);
    default: return std::nullopt;
  }
}

}  // namespace viosim::scenarios
