// The parser reports errors as English sentences; the two that users hit
// most (a misspelt field, a misspelt enum value) are recognised and
// rewritten with suggestions. Any other message is passed on unchanged.
#include "scenarios/loader/text_parse.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string_view>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/tokenizer.h>

#include "scenarios/loader/suggest.h"

namespace viosim::scenarios {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;

std::vector<std::string> field_names(const Descriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->field_count(); ++i) names.push_back(type->field(i)->name());
  return names;
}

std::vector<std::string> value_names(const EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) names.push_back(type->value(i)->name());
  return names;
}

// Enum types of fields called `field_name` anywhere under `root`; the
// parser's enum error names the field but not its message.
void find_enum_types(const Descriptor* root, const std::string& field_name, std::set<const Descriptor*>& seen,
                     std::set<const EnumDescriptor*>& out) {
  if (!seen.insert(root).second) return;
  for (int i = 0; i < root->field_count(); ++i) {
    const FieldDescriptor* field = root->field(i);
    if (field->type() == FieldDescriptor::TYPE_ENUM && field->name() == field_name) out.insert(field->enum_type());
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) find_enum_types(field->message_type(), field_name, seen, out);
  }
}

std::string rewrite(const std::string& message, const Descriptor* root) {
  static const std::regex kUnknownField(R"re(Message type "([\w.]+)" has no field named "(\w+)"\.)re");
  static const std::regex kUnknownEnum(R"re(Unknown enumeration value of "(\w+)" for field "(\w+)"\.)re");
  std::smatch match;
  if (std::regex_match(message, match, kUnknownField)) {
    const Descriptor* type = DescriptorPool::generated_pool()->FindMessageTypeByName(match[1]);
    std::string out = "unknown field \"" + match[2].str() + "\" in " + match[1].str();
    if (type == nullptr) return out;
    const auto names = field_names(type);
    const std::string hint = did_you_mean(match[2].str(), names);
    return out + (hint.empty() ? "; its fields are: " + join(names) : hint);
  }
  if (std::regex_match(message, match, kUnknownEnum)) {
    std::set<const Descriptor*> seen;
    std::set<const EnumDescriptor*> types;
    find_enum_types(root, match[2], seen, types);
    std::string out = "unknown value \"" + match[1].str() + "\" for " + match[2].str();
    if (types.size() != 1) return out;
    const auto names = value_names(*types.begin());
    return out + did_you_mean(match[1].str(), names) + " (choices: " + join(names) + ")";
  }
  // Protobuf writes sentences ("Expected ...: x."); ours start lower case
  // after "error:" and end without a period.
  std::string out = message;
  if (out.size() > 1 && std::isupper(static_cast<unsigned char>(out[0])) &&
      std::islower(static_cast<unsigned char>(out[1]))) {
    out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  }
  if (!out.empty() && out.back() == '.') out.pop_back();
  if (out == "expected integer, got: -") return "expected a non-negative integer, got \"-\"";
  // Nothing after "got:" means the input ended.
  constexpr std::string_view kGotNothing = ", got: ";
  if (out.size() > kGotNothing.size() && out.compare(out.size() - kGotNothing.size(), kGotNothing.size(), kGotNothing) == 0) {
    return out.substr(0, out.size() - kGotNothing.size()) + ", but the file ends here (is a \"}\" missing?)";
  }
  return out;
}

// The verb that reads a root message's files, for one given to another.
std::string reader_of(const std::string& type) {
  if (type == "viosim.Lesson") return " (a lesson: `viosim lesson FILE` runs it)";
  if (type == "viosim.Scenario") return " (a scenario: `viosim run FILE` runs it)";
  return "";
}

// protobuf's tokenizer columns count a tab as the way to the next multiple
// of 8 and every other byte as one.
int next_column(char byte, int column) { return byte == '\t' ? column + 8 - column % 8 : column + 1; }

// The parser column of the last `name` that starts at or before parser
// column `column0` on `line`.
std::optional<int> column_of_name_before(const std::string& line, int column0, const std::string& name) {
  size_t byte = 0;
  for (int column = 0; byte < line.size() && column < column0; ++byte) column = next_column(line[byte], column);
  const size_t found = line.rfind(name, byte);
  if (found == std::string::npos) return std::nullopt;
  int column = 0;
  for (size_t i = 0; i < found; ++i) column = next_column(line[i], column);
  return column;
}

class FirstErrorCollector final : public google::protobuf::io::ErrorCollector {
 public:
  FirstErrorCollector(const std::shared_ptr<const SourceFile>& file, const Descriptor* root,
                      std::vector<Diagnostic>* diagnostics)
      : file_(file), root_(root), diagnostics_(diagnostics) {}

  void AddError(int line, int column, const std::string& message) override {
    // The parser stops at its first error, but keep only one in any case:
    // later ones would be follow-on noise.
    if (reported_) return;
    reported_ = true;
    Location location{file_, "", line + 1, column + 1};
    if (line < 0) location.line = 0;
    // The parser reports an unknown field or enum value at the token after
    // it; point at the name itself.
    static const std::regex kMisplaced(
        R"re((?:has no field named|Unknown enumeration value of|Non-repeated field|^Field) "(\w+)")re");
    std::smatch match;
    if (location.line > 0 && std::regex_search(message, match, kMisplaced)) {
      if (auto column0 = column_of_name_before(file_->line(location.line), column, match[1].str())) {
        location.column = *column0 + 1;
      }
    }
    diagnostics_->push_back(location.diagnose(rewrite(message, root_)));
  }

  bool reported() const { return reported_; }

 private:
  std::shared_ptr<const SourceFile> file_;
  const Descriptor* root_;
  std::vector<Diagnostic>* diagnostics_;
  bool reported_ = false;
};

// The `# proto-message: X` header, if any, must name the expected type.
bool check_header(const std::shared_ptr<const SourceFile>& file, const Descriptor* type,
                  std::vector<Diagnostic>* diagnostics) {
  static const std::regex kHeader(R"(^#\s*proto-message:\s*(\S+)\s*$)");
  int line_number = 0;
  size_t start = 0;
  const std::string& text = file->text;
  while (start < text.size()) {
    ++line_number;
    const size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] != '#') break;  // headers sit at the top
    std::smatch match;
    if (std::regex_match(line, match, kHeader) && match[1] != type->full_name()) {
      Location location{file, "", line_number, static_cast<int>(match.position(1)) + 1};
      diagnostics->push_back(location.diagnose("this file declares proto-message \"" + match[1].str() +
                                               "\", but " + type->full_name() + " is expected here" +
                                               reader_of(match[1].str())));
      return false;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::optional<std::string> read_file(const std::string& path, std::string* text) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return "it is a directory";
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::strerror(errno);
  text->clear();
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text->append(buffer, static_cast<size_t>(in.gcount()));
    if (text->size() > kMaxFileBytes) return "larger than " + std::to_string(kMaxFileBytes / (1024 * 1024)) + " MiB";
  }
  if (in.bad()) return std::strerror(errno);
  return std::nullopt;
}

bool parse_text(const std::shared_ptr<const SourceFile>& file, google::protobuf::Message* message,
                google::protobuf::TextFormat::ParseInfoTree* tree, std::vector<Diagnostic>* diagnostics) {
  if (!check_header(file, message->GetDescriptor(), diagnostics)) return false;
  FirstErrorCollector collector(file, message->GetDescriptor(), diagnostics);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(tree);
  if (parser.ParseFromString(file->text, message)) return true;
  if (!collector.reported()) {
    diagnostics->push_back(Location{file, "", 0, 0}.diagnose("the file does not parse as " +
                                                             message->GetDescriptor()->full_name()));
  }
  return false;
}

}  // namespace viosim::scenarios
