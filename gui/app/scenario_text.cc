// Parsing with protobuf's TextFormat (locations in a ParseInfoTree) and
// printing with its Printer, in the style of the example files.
#include "gui/app/scenario_text.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <sstream>

#include "scenarios/loader/source_map.h"

namespace viosim::gui {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::TextFormat;

class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (!error.empty()) return;
    error = message;
    at = TextLocation{line + 1, column + 1};
  }
  std::string error;
  TextLocation at;
};

void record(const Message& message, const TextFormat::ParseInfoTree& tree, const std::string& prefix,
            std::map<std::string, TextLocation>* out) {
  const Descriptor* type = message.GetDescriptor();
  const Reflection* reflection = message.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const std::string path = prefix.empty() ? field->name() : prefix + "." + field->name();
    if (!field->is_repeated()) {
      const auto at = tree.GetLocation(field, -1);
      if (at.line < 0) continue;
      (*out)[path] = TextLocation{at.line + 1, at.column + 1};
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (const auto* nested = tree.GetTreeForNested(field, -1)) {
          record(reflection->GetMessage(message, field), *nested, path, out);
        }
      }
      continue;
    }
    const int size = reflection->FieldSize(message, field);
    for (int k = 0; k < size; ++k) {
      const auto at = tree.GetLocation(field, k);
      if (at.line < 0) continue;
      const std::string element = path + "[" + std::to_string(k) + "]";
      (*out)[element] = TextLocation{at.line + 1, at.column + 1};
      if (k == 0) (*out)[path] = (*out)[element];
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (const auto* nested = tree.GetTreeForNested(field, k)) {
          record(reflection->GetRepeatedMessage(message, field, k), *nested, element, out);
        }
      }
    }
  }
}

}  // namespace

ParsedText parse_scenario_text(const std::string& text) {
  ParsedText out;
  viosim::Scenario scenario;
  TextFormat::ParseInfoTree tree;
  FirstError errors;
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(text, &scenario)) {
    out.error = errors.error.empty() ? "the text does not parse as a viosim.Scenario" : errors.error;
    out.error_at = errors.at;
    return out;
  }
  record(scenario, tree, "", &out.locations);
  out.scenario = std::move(scenario);
  return out;
}

std::string leading_comments(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    const size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos && line[first] != '#') break;
    out += line + "\n";
  }
  // Keep one blank line at most between the comments and the body.
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

std::string print_scenario_text(const viosim::Scenario& scenario, const std::string& previous_text) {
  TextFormat::Printer printer;
  printer.SetUseShortRepeatedPrimitives(true);
  printer.SetUseUtf8StringEscaping(true);
  std::string body;
  printer.PrintToString(scenario, &body);
  std::string head = leading_comments(previous_text);
  if (head.find_first_not_of(" \t\r\n") == std::string::npos) {
    head = "# proto-file: scenarios/schema/viosim/scenario.proto\n# proto-message: viosim.Scenario\n";
  }
  if (head.back() != '\n') head += "\n";
  if (head.size() < 2 || head[head.size() - 2] != '\n') head += "\n";
  return head + body;
}

std::optional<TextLocation> find_location(const ParsedText& parsed, std::string path) {
  while (true) {
    if (auto it = parsed.locations.find(path); it != parsed.locations.end()) return it->second;
    if (path.empty()) return std::nullopt;
    path = scenarios::parent_path(path);
  }
}

}  // namespace viosim::gui
