// The form's tree over the Scenario descriptor and the message it edits.
#include "gui/app/scenario_form_model.h"

#include <google/protobuf/stubs/strutil.h>
#include <google/protobuf/text_format.h>

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QStringList>
#include <algorithm>

#include "scenarios/loader/field_path.h"
#include "scenarios/schema/field_options.h"
#include "scenarios/schema/schema_docs.h"

namespace viosim::gui {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool is_message_type(const FieldDescriptor* f) { return f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE; }

// One value as a scenario file writes it; strings raw unless `quote`.
std::string scalar_text(const Message& m, const FieldDescriptor* f, int index, bool quote) {
  const Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return std::to_string(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64: return std::to_string(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32: return std::to_string(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64: return std::to_string(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE: return schema::format_number(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_FLOAT: return schema::format_number(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
    case FieldDescriptor::CPPTYPE_BOOL: return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM: return (rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f))->name();
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string s = rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
      if (!quote) return s;
      std::string quoted(1, '"');  // appended piece by piece: GCC 12 warns falsely on "\"" + s + "\""
      quoted.append(google::protobuf::CEscape(s)).push_back('"');
      return quoted;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: break;
  }
  return "";
}

// The first sentence (or line) of a help text, for the help column.
QString first_sentence(const std::string& help) {
  std::string line = help.substr(0, help.find('\n'));
  const size_t stop = help.find(". ");
  if (stop != std::string::npos && stop < line.size()) line = help.substr(0, stop + 1);
  return QString::fromStdString(line);
}

}  // namespace

struct ScenarioFormModel::Node {
  Node* parent = nullptr;
  const FieldDescriptor* field = nullptr;  // null for the root
  int element = -1;                        // an element of a repeated message field: its index
  int row = 0;
  std::vector<std::unique_ptr<Node>> children;

  bool is_element() const { return element >= 0; }
  bool is_list() const { return field != nullptr && element < 0 && field->is_repeated() && is_message_type(field); }
  bool is_scalar() const { return field != nullptr && element < 0 && !is_message_type(field); }
  // Root, a singular message field or an element: a node that is one message.
  bool is_message() const { return field == nullptr || is_element() || (is_message_type(field) && !field->is_repeated()); }
};

bool ScenarioFormModel::is_optional_message(const Node* node) {
  return node->field != nullptr && !node->is_element() && node->is_message();
}

ScenarioFormModel::ScenarioFormModel(QObject* parent) : QAbstractItemModel(parent), root_(std::make_unique<Node>()) {
  add_field_children(root_.get(), viosim::Scenario::descriptor());
}

ScenarioFormModel::~ScenarioFormModel() = default;

void ScenarioFormModel::add_field_children(Node* node, const Descriptor* type) {
  for (int i = 0; i < type->field_count(); ++i) {
    auto child = std::make_unique<Node>();
    child->parent = node;
    child->field = type->field(i);
    child->row = i;
    Node* c = node->children.emplace_back(std::move(child)).get();
    if (c->is_list()) {
      const int size = container_of(c).GetReflection()->FieldSize(container_of(c), c->field);
      for (int k = 0; k < size; ++k) add_element(c, k);
    } else if (c->is_message()) {
      // The schema has no recursive messages; stop anyway if one appears.
      bool recursive = false;
      for (const Node* up = node; up != nullptr && !recursive; up = up->parent) {
        recursive = up->field != nullptr && is_message_type(up->field) && up->field->message_type() == c->field->message_type();
      }
      if (!recursive) add_field_children(c, c->field->message_type());
    }
  }
}

void ScenarioFormModel::add_element(Node* list, int index) {
  auto element = std::make_unique<Node>();
  element->parent = list;
  element->field = list->field;
  element->element = index;
  element->row = index;
  Node* e = list->children.emplace_back(std::move(element)).get();
  add_field_children(e, list->field->message_type());
}

const Message& ScenarioFormModel::message_of(const Node* node) const {
  if (node->field == nullptr) return scenario_;
  const Message& container = container_of(node);
  const Reflection* r = container.GetReflection();
  if (!node->is_element()) return r->GetMessage(container, node->field);
  // While rows of removed elements are on their way out a view may still
  // ask about them: they read as empty messages.
  if (node->element >= r->FieldSize(container, node->field)) {
    return *google::protobuf::MessageFactory::generated_factory()->GetPrototype(node->field->message_type());
  }
  return r->GetRepeatedMessage(container, node->field, node->element);
}

Message* ScenarioFormModel::mutable_message_of(const Node* node) {
  if (node->field == nullptr) return &scenario_;
  Message* container = mutable_container_of(node);
  const Reflection* r = container->GetReflection();
  return node->is_element() ? r->MutableRepeatedMessage(container, node->field, node->element)
                            : r->MutableMessage(container, node->field);
}

const Message& ScenarioFormModel::container_of(const Node* node) const {
  return message_of(node->is_element() ? node->parent->parent : node->parent);
}

Message* ScenarioFormModel::mutable_container_of(const Node* node) {
  return mutable_message_of(node->is_element() ? node->parent->parent : node->parent);
}

std::string ScenarioFormModel::path_of(const Node* node) const {
  if (node->field == nullptr) return "";
  if (node->is_element()) return path_of(node->parent) + "[" + std::to_string(node->element) + "]";
  const std::string up = path_of(node->parent);
  return up.empty() ? node->field->name() : up + "." + node->field->name();
}

bool ScenarioFormModel::is_set(const Node* node) const {
  if (node->field == nullptr || node->is_element()) return true;
  const Message& container = container_of(node);
  const Reflection* r = container.GetReflection();
  return node->field->is_repeated() ? r->FieldSize(container, node->field) > 0 : r->HasField(container, node->field);
}

QString ScenarioFormModel::value_text(const Node* node) const {
  if (!node->is_scalar() || !is_set(node)) return QString();
  const Message& m = container_of(node);
  if (!node->field->is_repeated()) return QString::fromStdString(scalar_text(m, node->field, -1, false));
  std::string list = "[";
  const int size = m.GetReflection()->FieldSize(m, node->field);
  for (int k = 0; k < size; ++k) list += (k ? ", " : "") + scalar_text(m, node->field, k, true);
  return QString::fromStdString(list + "]");
}

void ScenarioFormModel::set_effective(const std::optional<viosim::Scenario>& resolved) {
  effective_ = resolved;
  emit_all_changed(root_.get());
}

QString ScenarioFormModel::effective_text(const QModelIndex& index) const {
  const Node* node = node_of(index);
  if (node == nullptr || node == root_.get()) return QString();
  const FieldDescriptor* f = node->field;
  if (effective_) {
    std::string error;
    // Without `create` the walk only reads.
    auto* root = const_cast<viosim::Scenario*>(&*effective_);
    if (const auto at = scenarios::resolve_path(root, path_of(node), false, &error)) {
      const Message& m = *at->parent;
      const Reflection* r = m.GetReflection();
      if (f->is_repeated()) {
        const int size = r->FieldSize(m, f);
        if (node->is_list()) return QStringLiteral("%1 element(s)").arg(size);
        if (size > 0 || !f->is_repeated()) {
          std::string list = "[";
          for (int k = 0; k < size; ++k) list += (k ? ", " : "") + scalar_text(m, f, k, true);
          return QString::fromStdString(list + "]");
        }
      } else if (r->HasField(m, f) && node->is_scalar()) {
        return QString::fromStdString(scalar_text(m, f, -1, false));
      }
    }
  }
  if (node->is_list()) return QStringLiteral("%1 element(s)").arg(node->children.size());
  return node->is_scalar() ? QString::fromStdString(schema::field_default_text(f)) : QString();
}

void ScenarioFormModel::set_scenario(const viosim::Scenario& scenario) {
  scenario_ = scenario;
  sync_rows(root_.get());
  emit_all_changed(root_.get());
}

void ScenarioFormModel::sync_rows(Node* node) {
  if (node->is_list()) {
    const int size = container_of(node).GetReflection()->FieldSize(container_of(node), node->field);
    const int rows = static_cast<int>(node->children.size());
    const QModelIndex parent = index_of_node(node, 0);
    if (rows > size) {
      beginRemoveRows(parent, size, rows - 1);
      node->children.resize(static_cast<size_t>(size));
      endRemoveRows();
    } else if (rows < size) {
      beginInsertRows(parent, rows, size - 1);
      for (int k = rows; k < size; ++k) add_element(node, k);
      endInsertRows();
    }
    // New elements were built from the message; the others may have changed.
    for (int k = 0; k < std::min(rows, size); ++k) sync_rows(node->children[static_cast<size_t>(k)].get());
    return;
  }
  for (auto& child : node->children) sync_rows(child.get());
}

void ScenarioFormModel::emit_all_changed(const Node* node) {
  if (node->children.empty()) return;
  Q_EMIT dataChanged(index_of_node(node->children.front().get(), 0),
                   index_of_node(node->children.back().get(), kColumnCount - 1));
  for (const auto& child : node->children) emit_all_changed(child.get());
}

void ScenarioFormModel::set_errors(const std::map<std::string, std::string>& errors_by_path) {
  std::map<std::string, std::string> marks;
  for (const auto& [path, message] : errors_by_path) {
    const QModelIndex at = index_of_path(path);
    if (!at.isValid()) continue;
    std::string& text = marks[path_of(node_of(at))];
    text += (text.empty() ? "" : "\n") + message;
  }
  std::swap(errors_, marks);
  // Rows marked before or now change their look.
  for (const auto* set : {&errors_, &marks}) {
    for (const auto& [path, message] : *set) {
      const QModelIndex first = index_of_path(path, 0);
      if (first.isValid()) Q_EMIT dataChanged(first, first.siblingAtColumn(kColumnCount - 1));
    }
  }
}

QModelIndex ScenarioFormModel::index_of_path(const std::string& path, int column) const {
  const Node* node = root_.get();
  size_t at = 0;
  while (at < path.size()) {
    const size_t end = path.find_first_of(".[", at);
    const std::string name = path.substr(at, end == std::string::npos ? std::string::npos : end - at);
    const Node* next = nullptr;
    for (const auto& child : node->children) {
      if (child->field->name() == name) next = child.get();
    }
    if (next == nullptr) break;
    node = next;
    at = end == std::string::npos ? path.size() : end;
    // Indices: an element of a list, or (for a scalar list) the list's own row.
    while (at < path.size() && path[at] == '[') {
      const size_t close = path.find(']', at);
      if (close == std::string::npos) return index_of_node(node, column);
      const std::string selector = path.substr(at + 1, close - at - 1);
      at = close + 1;
      if (!node->is_list()) continue;
      const Node* element = nullptr;
      for (const auto& e : node->children) {
        if (std::to_string(e->element) == selector) element = e.get();
      }
      if (element == nullptr) return index_of_node(node, column);
      node = element;
    }
    if (at < path.size() && path[at] == '.') ++at;
  }
  return node == root_.get() ? QModelIndex() : index_of_node(node, column);
}

bool ScenarioFormModel::append_element(const QModelIndex& list) {
  const Node* node = node_of(list);
  if (node == nullptr || !node->is_list()) return false;
  return insertRows(static_cast<int>(node->children.size()), 1, list.siblingAtColumn(0));
}

bool ScenarioFormModel::remove_element(const QModelIndex& list, int row) {
  return removeRows(row, 1, list.siblingAtColumn(0));
}

ScenarioFormModel::Node* ScenarioFormModel::node_of(const QModelIndex& index) const {
  return index.isValid() ? static_cast<Node*>(index.internalPointer()) : root_.get();
}

QModelIndex ScenarioFormModel::index_of_node(const Node* node, int column) const {
  if (node == nullptr || node == root_.get()) return QModelIndex();
  return createIndex(node->row, column, const_cast<Node*>(node));
}

QModelIndex ScenarioFormModel::index(int row, int column, const QModelIndex& parent) const {
  if (column < 0 || column >= kColumnCount || row < 0) return QModelIndex();
  if (parent.isValid() && parent.column() != 0) return QModelIndex();
  const Node* p = node_of(parent);
  if (row >= static_cast<int>(p->children.size())) return QModelIndex();
  return createIndex(row, column, p->children[static_cast<size_t>(row)].get());
}

QModelIndex ScenarioFormModel::parent(const QModelIndex& child) const {
  if (!child.isValid()) return QModelIndex();
  return index_of_node(node_of(child)->parent, 0);
}

int ScenarioFormModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() && parent.column() != 0) return 0;
  return static_cast<int>(node_of(parent)->children.size());
}

int ScenarioFormModel::columnCount(const QModelIndex&) const { return kColumnCount; }

QVariant ScenarioFormModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return QVariant();
  const Node* node = node_of(index);
  const FieldDescriptor* f = node->field;
  const bool set = is_set(node);
  const auto error = errors_.find(path_of(node));
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case kFieldColumn: {
          // An element's label does not show its position: rows below a
          // removed one keep their labels (the path role has the index).
          const QString label = QString::fromStdString(f->name());
          if (!node->is_element()) return label;
          // Name elements by their `name` (a VM, a flow) or, for sweep axes, their field.
          const Message& m = message_of(node);
          for (const char* key : {"name", "field"}) {
            const FieldDescriptor* k = m.GetDescriptor()->FindFieldByName(key);
            if (k != nullptr && !k->is_repeated() && k->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
                m.GetReflection()->HasField(m, k)) {
              return label + QStringLiteral("  ") + QString::fromStdString(m.GetReflection()->GetString(m, k));
            }
          }
          return label;
        }
        case kValueColumn:
          if (node->is_scalar()) return set ? value_text(node) : effective_text(index);
          if (node->is_list()) {
            // Elements written here; with none, what applies (a base's VMs, say).
            return set || !effective_ ? QStringLiteral("%1 element(s)").arg(node->children.size())
                                      : effective_text(index) + QStringLiteral(" (inherited)");
          }
          return QVariant();
        case kUnitColumn: return node->is_element() ? QVariant() : QString::fromStdString(schema::field_unit(f));
        case kDefaultColumn:
          return node->is_element() ? QVariant() : QString::fromStdString(schema::field_default_text(f));
        case kHelpColumn: return node->is_element() ? QVariant() : first_sentence(schema::help_of(f));
      }
      return QVariant();
    case Qt::EditRole:
      return index.column() == kValueColumn && node->is_scalar() ? value_text(node) : QVariant();
    case Qt::ForegroundRole:
      if (!set) return QBrush(QColor(0x80, 0x80, 0x80));
      return QVariant();
    case Qt::FontRole:
      if (index.column() == kFieldColumn && set && !node->is_scalar()) {
        QFont bold;
        bold.setBold(true);
        return bold;
      }
      if (index.column() == kValueColumn && node->is_scalar() && !set) {
        QFont italic;
        italic.setItalic(true);
        return italic;
      }
      return QVariant();
    case Qt::BackgroundRole:
      return error != errors_.end() ? QBrush(QColor(0xff, 0xd6, 0xd6)) : QVariant();
    case Qt::ToolTipRole:
      if (error != errors_.end()) return QString::fromStdString(error->second);
      if (index.column() == kValueColumn && !set && (node->is_scalar() || node->is_list())) {
        return tr("Not written in this file: %1 applies (from its base, the host profile, --set or the default)")
            .arg(effective_text(index));
      }
      return data(index, kHelpRole);
    case Qt::CheckStateRole:
      // A message field's box: ticked when it is written (even empty, as in
      // `request_response {}`), so choosing a oneof member is one click.
      if (index.column() == kValueColumn && is_optional_message(node)) return set ? Qt::Checked : Qt::Unchecked;
      return QVariant();
    case kIsSetRole: return set;
    case kIsListRole: return node->is_list();
    case kFieldPathRole: return QString::fromStdString(path_of(node));
    case kErrorRole: return error != errors_.end() ? QString::fromStdString(error->second) : QString();
    case kHelpRole: {
      std::string help = node->is_element() ? schema::help_of(f->message_type()) : schema::help_of(f);
      if (!node->is_element()) {
        help += "\n\n" + path_of(node) + ": " + schema::field_type_name(f) + (f->is_repeated() ? " (repeated)" : "");
        if (const std::string unit = schema::field_unit(f); !unit.empty()) help += ", in " + unit;
        if (const std::string range = schema::range_text(f); !range.empty()) help += "; valid: " + range;
        if (const std::string def = schema::field_default_text(f); !def.empty()) help += "; default: " + def;
        if (const auto* oneof = f->real_containing_oneof()) {
          help += "\nOne of:";
          for (int i = 0; i < oneof->field_count(); ++i) help += " " + oneof->field(i)->name();
        }
      }
      return QString::fromStdString(help);
    }
    case kChoicesRole: {
      QStringList choices;
      if (node->is_scalar() && !f->is_repeated()) {
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
          for (int i = 0; i < f->enum_type()->value_count(); ++i) {
            choices << QString::fromStdString(f->enum_type()->value(i)->name());
          }
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_BOOL) {
          choices << QStringLiteral("true") << QStringLiteral("false");
        }
      }
      return choices;
    }
  }
  return QVariant();
}

void ScenarioFormModel::set_read_only(bool read_only) {
  if (read_only == read_only_) return;
  read_only_ = read_only;
  emit_all_changed(root_.get());  // the flags changed
}

bool ScenarioFormModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (read_only_ || !index.isValid() || index.column() != kValueColumn) return false;
  const Node* node = node_of(index);
  if (role == Qt::CheckStateRole && is_optional_message(node)) {
    if (value.toInt() == Qt::Checked) {
      mutable_message_of(node);  // creates it (and its parents), clearing any other oneof member
    } else {
      Message* container = mutable_container_of(node);
      container->GetReflection()->ClearField(container, node->field);
    }
    sync_rows(root_.get());
    emit_all_changed(root_.get());
    Q_EMIT scenario_edited();
    return true;
  }
  if (role != Qt::EditRole) return false;
  if (!node->is_scalar()) return false;
  const std::string text = value.toString().trimmed().toStdString();
  const FieldDescriptor* f = node->field;
  const std::string path = path_of(node);
  // Edit a copy: a refused edit must leave the message as it was (and
  // reaching an unset field creates its parents).
  const viosim::Scenario before = scenario_;
  Message* container = mutable_container_of(node);
  const Reflection* r = container->GetReflection();
  std::string error;
  bool ok = true;
  if (text.empty()) {
    r->ClearField(container, f);  // an empty value means "not set": the default applies
  } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING && !f->is_repeated()) {
    r->SetString(container, f, value.toString().toStdString());  // as typed: no quoting rules
  } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    // A list of strings in the file's own syntax: ["64", "128"].
    std::string list = text;
    if (list.front() != '[') list = "[" + list + "]";
    std::unique_ptr<Message> scratch(container->New());
    google::protobuf::TextFormat::Parser parser;
    ok = parser.ParseFromString(f->name() + ": " + list, scratch.get());
    if (ok) r->SwapFields(container, scratch.get(), {f});
    else error = path + ": expected a list of quoted strings, e.g. [\"64\", \"128\"]";
  } else {
    ok = scenarios::set_from_text(scenarios::ResolvedField{container, f, -1, path}, text, &error);
  }
  if (!ok) {
    scenario_ = before;
    Q_EMIT edit_rejected(QString::fromStdString(error));
    return false;
  }
  // A oneof member set clears its siblings, which may take list elements along.
  sync_rows(root_.get());
  emit_all_changed(root_.get());
  Q_EMIT scenario_edited();
  return true;
}

Qt::ItemFlags ScenarioFormModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
  if (read_only_) return f;
  if (index.column() == kValueColumn && node_of(index)->is_scalar()) f |= Qt::ItemIsEditable;
  if (index.column() == kValueColumn && is_optional_message(node_of(index))) f |= Qt::ItemIsUserCheckable;
  return f;
}

QVariant ScenarioFormModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QVariant();
  switch (section) {
    case kFieldColumn: return QStringLiteral("Field");
    case kValueColumn: return QStringLiteral("Value");
    case kUnitColumn: return QStringLiteral("Unit");
    case kDefaultColumn: return QStringLiteral("Default");
    case kHelpColumn: return QStringLiteral("Help");
  }
  return QVariant();
}

bool ScenarioFormModel::insertRows(int row, int count, const QModelIndex& parent) {
  if (read_only_) return false;
  Node* list = node_of(parent);
  if (!parent.isValid() || parent.column() != 0 || !list->is_list() || count < 1) return false;
  if (row != static_cast<int>(list->children.size())) return false;  // elements are appended
  Message* container = mutable_container_of(list);
  for (int k = 0; k < count; ++k) container->GetReflection()->AddMessage(container, list->field);
  sync_rows(list);
  emit_all_changed(list->parent);
  Q_EMIT scenario_edited();
  return true;
}

bool ScenarioFormModel::removeRows(int row, int count, const QModelIndex& parent) {
  if (read_only_) return false;
  Node* list = node_of(parent);
  if (!parent.isValid() || parent.column() != 0 || !list->is_list()) return false;
  const int size = static_cast<int>(list->children.size());
  if (row < 0 || count < 1 || row + count > size) return false;
  beginRemoveRows(parent, row, row + count - 1);
  Message* container = mutable_container_of(list);
  const Reflection* r = container->GetReflection();
  // Move the doomed elements to the end, keeping the order of the rest.
  for (int k = row + count; k < size; ++k) {
    for (int j = k; j > k - count; --j) r->SwapElements(container, list->field, j, j - 1);
  }
  for (int k = 0; k < count; ++k) r->RemoveLast(container, list->field);
  list->children.erase(list->children.begin() + row, list->children.begin() + row + count);
  for (int k = row; k < static_cast<int>(list->children.size()); ++k) {
    list->children[static_cast<size_t>(k)]->row = k;
    list->children[static_cast<size_t>(k)]->element = k;
  }
  endRemoveRows();
  sync_rows(list);  // the elements that moved up may hold lists of other lengths
  emit_all_changed(list->parent);
  Q_EMIT scenario_edited();
  return true;
}

}  // namespace viosim::gui
