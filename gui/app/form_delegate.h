// Editors for the form's value column: a combo box for enums and booleans
// (the choices the model lists), a line edit for everything else.
#pragma once

#include <QStyledItemDelegate>

namespace viosim::gui {

class FormDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;

  QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
  void setEditorData(QWidget* editor, const QModelIndex& index) const override;
  void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override;
};

}  // namespace viosim::gui
