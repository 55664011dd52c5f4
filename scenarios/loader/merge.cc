// Reflection walk for layer_message. protobuf's own MergeFrom appends
// repeated fields, which is not what a scenario that extends another means.
#include "scenarios/loader/merge.h"

#include <vector>

namespace viosim::scenarios {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using ParseInfoTree = google::protobuf::TextFormat::ParseInfoTree;

Location location_of(const ParseInfoTree* tree, const std::shared_ptr<const SourceFile>& file,
                     const FieldDescriptor* field, int index) {
  if (tree == nullptr) return Location{file, "", 0, 0};
  auto at = tree->GetLocation(field, index);
  // A list written as `f: [a, b]` records one location for all its elements.
  if (at.line < 0 && index > 0) at = tree->GetLocation(field, 0);
  if (at.line < 0) return Location{file, "", 0, 0};
  return Location{file, "", at.line + 1, at.column + 1};
}

std::string element_path(const std::string& field_path, int index) {
  return field_path + "[" + std::to_string(index) + "]";
}

}  // namespace

void layer_message(const Message& source, const ParseInfoTree* tree, const std::shared_ptr<const SourceFile>& file,
                   Message* target, const std::string& path, SourceMap* map) {
  const Reflection* from = source.GetReflection();
  const Reflection* to = target->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  from->ListFields(source, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string field_path = path.empty() ? field->name() : path + "." + field->name();
    if (field->is_repeated()) {
      map->erase_subtree(field_path);
      to->ClearField(target, field);
      const int size = from->FieldSize(source, field);
      map->record(field_path, location_of(tree, file, field, 0));
      for (int i = 0; i < size; ++i) {
        map->record(element_path(field_path, i), location_of(tree, file, field, i));
        if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
          const ParseInfoTree* nested = tree ? tree->GetTreeForNested(field, i) : nullptr;
          layer_message(from->GetRepeatedMessage(source, field, i), nested, file, to->AddMessage(target, field),
                        element_path(field_path, i), map);
        }
      }
      // Scalars are copied in one go; messages were layered above.
      if (field->type() != FieldDescriptor::TYPE_MESSAGE) {
        std::unique_ptr<Message> copy(source.New());
        copy->CopyFrom(source);
        to->SwapFields(target, copy.get(), {field});
      }
      continue;
    }
    map->record(field_path, location_of(tree, file, field, -1));
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      const ParseInfoTree* nested = tree ? tree->GetTreeForNested(field, -1) : nullptr;
      layer_message(from->GetMessage(source, field), nested, file, to->MutableMessage(target, field), field_path, map);
      continue;
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: to->SetInt32(target, field, from->GetInt32(source, field)); break;
      case FieldDescriptor::CPPTYPE_INT64: to->SetInt64(target, field, from->GetInt64(source, field)); break;
      case FieldDescriptor::CPPTYPE_UINT32: to->SetUInt32(target, field, from->GetUInt32(source, field)); break;
      case FieldDescriptor::CPPTYPE_UINT64: to->SetUInt64(target, field, from->GetUInt64(source, field)); break;
      case FieldDescriptor::CPPTYPE_DOUBLE: to->SetDouble(target, field, from->GetDouble(source, field)); break;
      case FieldDescriptor::CPPTYPE_FLOAT: to->SetFloat(target, field, from->GetFloat(source, field)); break;
      case FieldDescriptor::CPPTYPE_BOOL: to->SetBool(target, field, from->GetBool(source, field)); break;
      case FieldDescriptor::CPPTYPE_ENUM: to->SetEnumValue(target, field, from->GetEnumValue(source, field)); break;
      case FieldDescriptor::CPPTYPE_STRING: to->SetString(target, field, from->GetString(source, field)); break;
      case FieldDescriptor::CPPTYPE_MESSAGE: break;
    }
  }
}

}  // namespace viosim::scenarios
