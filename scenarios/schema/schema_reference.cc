// Walks the descriptors and prints one block per field. A message type that
// contains itself is printed once and then referred to, so the walk ends.
#include "scenarios/schema/schema_reference.h"

#include <set>
#include <sstream>

#include "scenarios/schema/field_options.h"
#include "scenarios/schema/schema_docs.h"

namespace viosim::schema {
namespace {

using google::protobuf::Descriptor;

void indent_lines(std::ostringstream& out, const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) out << prefix << line << '\n';
}

void print_message(std::ostringstream& out, const Descriptor* message, const std::string& prefix,
                   std::set<const Descriptor*>& open) {
  open.insert(message);
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    const std::string path = prefix + field->name() + (field->is_repeated() ? "[]" : "");

    out << path << '\n';
    out << "    type: " << (field->is_repeated() ? "repeated " : "") << field_type_name(field);
    if (const std::string unit = field_unit(field); !unit.empty()) out << "   unit: " << unit;
    if (const std::string def = field_default_text(field); !def.empty()) out << "   default: " << def;
    if (const std::string range = range_text(field); !range.empty()) out << "   range: " << range;
    if (field_power_of_two(field)) out << "   power of two";
    out << '\n';
    if (const auto* oneof = field->real_containing_oneof()) {
      out << "    one of:";
      for (int k = 0; k < oneof->field_count(); ++k) out << ' ' << oneof->field(k)->name();
      out << '\n';
    }
    indent_lines(out, help_of(field), "    ");
    if (field->type() == FieldDescriptor::TYPE_ENUM) {
      out << "    choices:\n";
      const auto* type = field->enum_type();
      for (int k = 0; k < type->value_count(); ++k) {
        const auto* value = type->value(k);
        out << "      " << value->name();
        const std::string help = help_of(value);
        if (!help.empty()) {
          std::string one_line = help;
          for (char& c : one_line) if (c == '\n') c = ' ';
          out << std::string(value->name().size() < 18 ? 18 - value->name().size() : 1, ' ') << one_line;
        }
        out << '\n';
      }
    }
    out << '\n';
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (open.count(field->message_type()) != 0) {
        out << "    (fields as " << field->message_type()->full_name() << " above)\n\n";
      } else {
        print_message(out, field->message_type(), path + ".", open);
      }
    }
  }
  open.erase(message);
}

}  // namespace

std::string schema_reference(const Descriptor* root) {
  std::ostringstream out;
  out << root->full_name() << "  (" << root->file()->name() << ")\n";
  indent_lines(out, help_of(root), "    ");
  out << '\n';
  std::set<const Descriptor*> open;
  print_message(out, root, "", open);
  return out.str();
}

}  // namespace viosim::schema
