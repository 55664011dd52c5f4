// The scenario as a form: a tree model generated from the schema (the
// viosim.Scenario descriptor), one row per field whether set or not, with
// its value, unit, default and help text (the field's comment in the
// .proto files). It edits the file's own message, the one the text holds:
// unset fields show their default in grey and stay unset until edited.
//
// Rows: a message field has its fields as children; a repeated message
// field has one child per element ("vm  vm0"), each with its fields; a
// scalar field, repeated or not, is one row whose value is written as in a
// scenario file ("[2, 3]" for a list); a message field has a check box
// (written or not: `request_response {}` counts). Values are edited as text and set
// with the loader's own rules (scenarios/loader/field_path.h), so the form
// accepts exactly what a file or `--set` would.
#pragma once

#include <QAbstractItemModel>
#include <QString>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "scenarios/schema/viosim/scenario.pb.h"

namespace viosim::gui {

class ScenarioFormModel : public QAbstractItemModel {
  Q_OBJECT

 public:
  enum Column { kFieldColumn, kValueColumn, kUnitColumn, kDefaultColumn, kHelpColumn, kColumnCount };
  enum Role {
    kIsSetRole = Qt::UserRole + 1,  // bool: the field is written (a list: non-empty)
    kFieldPathRole,                 // QString: "vm[0].nic.queues", as the validator names fields
    kHelpRole,                      // QString: the field's comment, type and valid range
    kChoicesRole,                   // QStringList: an enum's values, or true/false; empty otherwise
    kErrorRole,                     // QString: the validation error at this field, if any
    kIsListRole,                    // bool: a repeated message field (rows can be added and removed)
  };

  explicit ScenarioFormModel(QObject* parent = nullptr);
  ~ScenarioFormModel() override;

  // Shows `scenario`. Rows that exist in both stay (a view keeps what it
  // had expanded); elements of repeated fields come and go as needed.
  void set_scenario(const viosim::Scenario& scenario);
  const viosim::Scenario& scenario() const { return scenario_; }

  // The scenario as it will run (base chain, profile, --set overrides and
  // defaults resolved), or nothing while it has errors: a field this file
  // does not write shows the value that applies from there, in grey.
  void set_effective(const std::optional<viosim::Scenario>& resolved);
  // What applies to an unwritten scalar field (or list size): the resolved
  // scenario's value, else the schema default.
  QString effective_text(const QModelIndex& index) const;

  // A read-only form refuses edits (no editable or checkable cells, no
  // rows added or removed): while the text does not parse, the form shows
  // an older version that an edit would print over the text.
  void set_read_only(bool read_only);
  bool read_only() const { return read_only_; }

  // Marks the rows of these field paths (or of their nearest shown
  // ancestor) with an error; replaces the previous marks.
  void set_errors(const std::map<std::string, std::string>& errors_by_path);

  // The row of a field path ("vm[0].pin_cores[1]" finds the pin_cores row),
  // or of its nearest ancestor; invalid for "" or an unknown first step.
  QModelIndex index_of_path(const std::string& path, int column = kFieldColumn) const;

  // Appends an element to the repeated message field at `list` (a row with
  // kIsListRole) or removes element `row` of it.
  bool append_element(const QModelIndex& list);
  bool remove_element(const QModelIndex& list, int row);

  QModelIndex index(int row, int column, const QModelIndex& parent = QModelIndex()) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  bool insertRows(int row, int count, const QModelIndex& parent = QModelIndex()) override;
  bool removeRows(int row, int count, const QModelIndex& parent = QModelIndex()) override;

 Q_SIGNALS:
  // The message changed through the form (setData, rows added or removed).
  void scenario_edited();
  // An edit was refused; why, in the loader's words.
  void edit_rejected(const QString& why);

 private:
  bool read_only_ = false;
  std::optional<viosim::Scenario> effective_;
  struct Node;
  Node* node_of(const QModelIndex& index) const;
  QModelIndex index_of_node(const Node* node, int column) const;
  const google::protobuf::Message& message_of(const Node* node) const;
  google::protobuf::Message* mutable_message_of(const Node* node);
  const google::protobuf::Message& container_of(const Node* node) const;
  google::protobuf::Message* mutable_container_of(const Node* node);
  std::string path_of(const Node* node) const;
  bool is_set(const Node* node) const;
  // A singular message field: it has a check box for being written or not.
  static bool is_optional_message(const Node* node);
  QString value_text(const Node* node) const;
  void add_field_children(Node* node, const google::protobuf::Descriptor* type);
  void add_element(Node* list, int index);
  // Makes the rows of repeated message fields match the message, with the
  // begin/end calls a view needs; then reports every value as changed.
  void sync_rows(Node* node);
  void emit_all_changed(const Node* node);

  viosim::Scenario scenario_;
  std::unique_ptr<Node> root_;
  std::map<std::string, std::string> errors_;  // by the path of the marked row
};

}  // namespace viosim::gui
