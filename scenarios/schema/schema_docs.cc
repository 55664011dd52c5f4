// Builds, once, a DescriptorPool from the embedded descriptor set and reads
// leading comments from it.
#include "scenarios/schema/schema_docs.h"

#include <span>
#include <stdexcept>
#include <string_view>

#include <google/protobuf/descriptor.pb.h>

#include "scenarios/schema/embedded_file.h"

namespace viosim::schema {

std::span<const EmbeddedFile> embedded_descriptor_sets();  // generated

namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptorSet;
using google::protobuf::SourceLocation;

const DescriptorPool& documented_pool() {
  // Built on first use and kept for the process: the schema never changes
  // at run time.
  static const DescriptorPool* pool = [] {
    auto* built = new DescriptorPool();
    for (const EmbeddedFile& file : embedded_descriptor_sets()) {
      FileDescriptorSet set;
      if (!set.ParseFromArray(file.data.data(), static_cast<int>(file.data.size()))) {
        throw std::logic_error("embedded schema descriptor set does not parse");
      }
      // protoc writes files in dependency order, so each import is built first.
      for (const auto& proto : set.file()) {
        if (built->BuildFile(proto) == nullptr) {
          throw std::logic_error("embedded schema file does not build: " + proto.name());
        }
      }
    }
    return built;
  }();
  return *pool;
}

// Comment text as protoc keeps it: each line after "//", with its leading
// space. Drop that space and trailing blanks so the text reads as written.
std::string tidy(const std::string& comment) {
  std::string out;
  std::string_view rest = comment;
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (!out.empty()) out += '\n';
    out += line;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

template <typename Element>
std::string leading_comment(const Element* element) {
  if (element == nullptr) return "";
  SourceLocation location;
  if (!element->GetSourceLocation(&location)) return "";
  return tidy(location.leading_comments);
}

}  // namespace

std::string help_of(const google::protobuf::FieldDescriptor* field) {
  return leading_comment(documented_pool().FindFieldByName(field->full_name()));
}

std::string help_of(const google::protobuf::Descriptor* message) {
  return leading_comment(documented_pool().FindMessageTypeByName(message->full_name()));
}

std::string help_of(const google::protobuf::EnumValueDescriptor* value) {
  return leading_comment(documented_pool().FindEnumValueByName(value->full_name()));
}

std::string help_of(const google::protobuf::OneofDescriptor* oneof) {
  return leading_comment(documented_pool().FindOneofByName(oneof->full_name()));
}

}  // namespace viosim::schema
