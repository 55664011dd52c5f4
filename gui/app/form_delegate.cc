// FormDelegate: an unset field's editor starts from the value that applies
// (inherited or the default), so changing one digit is one keystroke away.
#include "gui/app/form_delegate.h"

#include <QComboBox>
#include <QLineEdit>

#include "gui/app/scenario_form_model.h"

namespace viosim::gui {
namespace {

QString starting_text(const QModelIndex& index) {
  const QString edit = index.data(Qt::EditRole).toString();
  if (!edit.isEmpty() || index.data(ScenarioFormModel::kIsSetRole).toBool()) return edit;
  // What applies now (inherited or the default): one keystroke from a change.
  const auto* model = qobject_cast<const ScenarioFormModel*>(index.model());
  return model != nullptr ? model->effective_text(index)
                          : index.siblingAtColumn(ScenarioFormModel::kDefaultColumn).data().toString();
}

}  // namespace

QWidget* FormDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                                    const QModelIndex& index) const {
  const QStringList choices = index.data(ScenarioFormModel::kChoicesRole).toStringList();
  if (choices.isEmpty()) return QStyledItemDelegate::createEditor(parent, option, index);
  auto* combo = new QComboBox(parent);
  combo->addItem(QString());  // empty: not set, the default applies
  combo->addItems(choices);
  return combo;
}

void FormDelegate::setEditorData(QWidget* editor, const QModelIndex& index) const {
  if (auto* combo = qobject_cast<QComboBox*>(editor)) {
    combo->setCurrentIndex(std::max(0, combo->findText(index.data(Qt::EditRole).toString())));
  } else if (auto* line = qobject_cast<QLineEdit*>(editor)) {
    line->setText(starting_text(index));
  } else {
    QStyledItemDelegate::setEditorData(editor, index);
  }
}

void FormDelegate::setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const {
  if (auto* combo = qobject_cast<QComboBox*>(editor)) {
    if (combo->currentText() != index.data(Qt::EditRole).toString()) model->setData(index, combo->currentText());
  } else if (auto* line = qobject_cast<QLineEdit*>(editor)) {
    // Leaving an unset field untouched keeps it unset.
    if (line->text() != starting_text(index) || index.data(ScenarioFormModel::kIsSetRole).toBool()) {
      if (line->text() != index.data(Qt::EditRole).toString()) model->setData(index, line->text());
    }
  } else {
    QStyledItemDelegate::setModelData(editor, model, index);
  }
}

}  // namespace viosim::gui
