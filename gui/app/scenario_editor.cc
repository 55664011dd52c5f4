// ScenarioEditor: keeping the form and the text in step, and the loader's
// diagnostics shown at their line and field.
#include "gui/app/scenario_editor.h"

#include <algorithm>

#include <QHeaderView>
#include <QHBoxLayout>
#include <QSplitter>
#include <QTextCursor>
#include <QVBoxLayout>
#include <map>

#include "gui/app/form_delegate.h"

namespace viosim::gui {
namespace {

constexpr int kParseDelayMs = 300;
constexpr int kDiagnosticRole = Qt::UserRole + 1;  // the index into diagnostics_

}  // namespace

ScenarioEditor::ScenarioEditor(QWidget* parent)
    : QWidget(parent),
      model_(new ScenarioFormModel(this)),
      tree_(new QTreeView),
      help_(new QLabel),
      add_element_(new QPushButton(tr("Add element"))),
      remove_element_(new QPushButton(tr("Remove element"))),
      editor_(new CodeEditor),
      status_(new QLabel),
      problems_(new QListWidget) {
  tree_->setModel(model_);
  tree_->setItemDelegate(new FormDelegate(tree_));
  tree_->setAlternatingRowColors(true);
  tree_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                         QAbstractItemView::SelectedClicked);
  tree_->header()->setStretchLastSection(true);
  tree_->installEventFilter(this);
  // A file dropped on the text opens (the window takes the drop), rather
  // than its address being typed into the scenario.
  editor_->setAcceptDrops(false);
  tree_->setColumnWidth(ScenarioFormModel::kFieldColumn, 220);
  tree_->setColumnWidth(ScenarioFormModel::kValueColumn, 150);
  tree_->setColumnWidth(ScenarioFormModel::kUnitColumn, 60);
  tree_->setColumnWidth(ScenarioFormModel::kDefaultColumn, 110);
  // Every error shown whole: long messages wrap, never end in "...".
  problems_->setWordWrap(true);
  problems_->setTextElideMode(Qt::ElideNone);
  problems_->setResizeMode(QListView::Adjust);
  problems_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  help_->setWordWrap(true);
  help_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  help_->setMinimumHeight(70);
  help_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  help_->setText(tr("Select a field to read what it means; double-click its value to edit it."));
  add_element_->setEnabled(false);
  remove_element_->setEnabled(false);

  auto* form = new QWidget;
  auto* form_layout = new QVBoxLayout(form);
  form_layout->setContentsMargins(0, 0, 0, 0);
  auto* form_heading =
      new QLabel(tr("<b>Form</b> (from the schema; grey: not written here, the value that applies: "
                    "from the base, the profile, --set or the default)"));
  form_heading->setWordWrap(true);  // a narrow window (a projector's) wraps it rather than widening
  form_layout->addWidget(form_heading);
  form_layout->addWidget(tree_, 1);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(add_element_);
  buttons->addWidget(remove_element_);
  buttons->addStretch();
  form_layout->addLayout(buttons);
  form_layout->addWidget(help_);

  auto* text = new QWidget;
  auto* text_layout = new QVBoxLayout(text);
  text_layout->setContentsMargins(0, 0, 0, 0);
  text_layout->addWidget(new QLabel(tr("<b>Text</b> (protobuf text format)")));
  auto* text_split = new QSplitter(Qt::Vertical);
  text_split->addWidget(editor_);
  auto* problems = new QWidget;
  auto* problems_layout = new QVBoxLayout(problems);
  problems_layout->setContentsMargins(0, 0, 0, 0);
  problems_layout->addWidget(status_);
  problems_layout->addWidget(problems_);
  text_split->addWidget(problems);
  text_split->setStretchFactor(0, 4);
  text_split->setStretchFactor(1, 1);
  text_layout->addWidget(text_split, 1);

  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(form);
  split->addWidget(text);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(split);

  parse_timer_.setSingleShot(true);
  parse_timer_.setInterval(kParseDelayMs);
  connect(&parse_timer_, &QTimer::timeout, this, [this] { validate(); });
  connect(editor_, &QPlainTextEdit::textChanged, this, [this] { text_edited(); });
  connect(model_, &ScenarioFormModel::scenario_edited, this, [this] { form_edited(); });
  connect(model_, &ScenarioFormModel::edit_rejected, this, [this](const QString& why) {
    status_->setText(QStringLiteral("<span style=\"color:#b00\">%1</span>").arg(why.toHtmlEscaped()));
  });
  connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& current) { show_help(current); });
  connect(problems_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) { diagnostic_activated(item); });
  connect(problems_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) { diagnostic_activated(item); });
  connect(add_element_, &QPushButton::clicked, this, [this] {
    QModelIndex at = tree_->currentIndex().siblingAtColumn(0);
    if (!at.data(ScenarioFormModel::kIsListRole).toBool()) at = at.parent();
    if (model_->append_element(at)) tree_->expand(at);
  });
  connect(remove_element_, &QPushButton::clicked, this, [this] {
    const QModelIndex at = tree_->currentIndex().siblingAtColumn(0);
    if (at.parent().data(ScenarioFormModel::kIsListRole).toBool()) model_->remove_element(at.parent(), at.row());
  });
}

void ScenarioEditor::set_text(const QString& text, const QString& display_path) {
  display_path_ = display_path;
  updating_text_ = true;
  editor_->setPlainText(text);
  updating_text_ = false;
  parse_timer_.stop();
  validate();
  tree_->expandToDepth(0);
  set_modified(false);
}

QString ScenarioEditor::text() const { return editor_->toPlainText(); }

void ScenarioEditor::set_modified(bool modified) {
  if (modified == modified_) return;
  modified_ = modified;
  Q_EMIT modified_changed(modified);
}

void ScenarioEditor::text_edited() {
  if (updating_text_) return;
  set_modified(true);
  parse_timer_.start();
}

void ScenarioEditor::parse_text() {
  parsed_ = parse_scenario_text(text().toStdString());
  if (parsed_.scenario) model_->set_scenario(*parsed_.scenario);
  // An edit in a form showing an older version would print it over the text.
  model_->set_read_only(!parsed_.scenario);
}

bool ScenarioEditor::eventFilter(QObject* watched, QEvent* event) {
  // Text typed in the last moments reaches the form before the form is used.
  if (watched == tree_ && event->type() == QEvent::FocusIn && parse_timer_.isActive()) validate();
  return QWidget::eventFilter(watched, event);
}

void ScenarioEditor::form_edited() {
  // The form's message is now the truth: print it, keep the leading comments.
  const std::string printed = print_scenario_text(model_->scenario(), text().toStdString());
  updating_text_ = true;
  QTextCursor cursor(editor_->document());
  cursor.select(QTextCursor::Document);
  cursor.insertText(QString::fromStdString(printed));  // one undo step, unlike setPlainText
  updating_text_ = false;
  set_modified(true);
  parse_timer_.stop();
  validate();
}

scenarios::LoadResult ScenarioEditor::validate() {
  parse_timer_.stop();
  parse_text();
  scenarios::LoadResult result =
      scenarios::load_scenario_text(display_path_.toStdString(), text().toStdString(), load_options_);
  diagnostics_ = result.diagnostics;
  // Warnings (fields that change nothing) follow the errors in the list.
  diagnostics_.insert(diagnostics_.end(), result.warnings.begin(), result.warnings.end());
  resolved_ = result.scenario;
  if (resolved_) model_->set_effective(resolved_);  // with errors: keep what applied last
  show_diagnostics();
  Q_EMIT validated(static_cast<int>(result.diagnostics.size()));
  return result;
}

size_t ScenarioEditor::error_count() const {
  return static_cast<size_t>(
      std::count_if(diagnostics_.begin(), diagnostics_.end(), [](const scenarios::Diagnostic& d) { return !d.warning; }));
}

void ScenarioEditor::show_diagnostics() {
  problems_->clear();
  QMap<int, QString> lines;
  std::map<std::string, std::string> fields;
  const std::string self = display_path_.toStdString();
  for (size_t i = 0; i < diagnostics_.size(); ++i) {
    const scenarios::Diagnostic& d = diagnostics_[i];
    const bool here = d.file == self;
    QString where = here ? QString() : QString::fromStdString(d.file) + QStringLiteral(":");
    if (d.line > 0) where += QStringLiteral("%1:%2").arg(d.line).arg(d.column);
    const QString message = QString::fromStdString(d.message);
    auto* item = new QListWidgetItem(QStringLiteral("%1: %2%3").arg(where.isEmpty() ? tr("scenario") : where,
                                                                     d.warning ? tr("warning: ") : QString(), message));
    item->setForeground(d.warning ? QColor(0x8a, 0x5a, 0x00) : QColor(0xb0, 0x00, 0x00));
    item->setToolTip(QString::fromStdString(scenarios::format_diagnostic(d)));
    item->setData(kDiagnosticRole, static_cast<int>(i));
    problems_->addItem(item);
    if (d.warning) continue;  // listed, but no error tint
    if (here && d.line > 0) {
      QString& text = lines[d.line];
      text += (text.isEmpty() ? QString() : QStringLiteral("\n")) + message;
    }
    if (!d.field_path.empty()) {
      std::string& text = fields[d.field_path];
      text += (text.empty() ? "" : "\n") + d.message;
    }
  }
  editor_->set_error_lines(lines);
  model_->set_errors(fields);
  const int errors = static_cast<int>(error_count());
  const int warnings = static_cast<int>(diagnostics_.size()) - errors;
  if (errors == 0) {
    status_->setText(QStringLiteral("<span style=\"color:#070\">%1</span>")
                         .arg(warnings == 0 ? tr("No errors: ready to run.")
                                            : tr("No errors: ready to run (%n warning(s): fields with no effect).",
                                                 nullptr, warnings)));
  } else if (!text_parses()) {
    status_->setText(QStringLiteral("<span style=\"color:#b00\">%1</span>")
                         .arg(tr("Syntax error: the form shows the last version that parsed, read-only until the text parses.")));
  } else {
    status_->setText(QStringLiteral("<span style=\"color:#b00\">%1</span>")
                         .arg(tr("%n error(s): fix them to run.", nullptr, errors)));
  }
}

void ScenarioEditor::show_help(const QModelIndex& index) {
  const QModelIndex field = index.siblingAtColumn(0);
  const bool list = field.data(ScenarioFormModel::kIsListRole).toBool();
  const bool element = field.parent().data(ScenarioFormModel::kIsListRole).toBool();
  add_element_->setEnabled(list || element);
  remove_element_->setEnabled(element);
  QString help = field.data(ScenarioFormModel::kHelpRole).toString().toHtmlEscaped().replace('\n', "<br>");
  const QString error = field.data(ScenarioFormModel::kErrorRole).toString();
  if (!error.isEmpty()) help = QStringLiteral("<b style=\"color:#b00\">%1</b><br>").arg(error.toHtmlEscaped()) + help;
  help_->setText(help);
  // Show where the field is written, without taking the focus from the form.
  if (tree_->hasFocus()) {
    if (const auto at = find_location(parsed_, field.data(ScenarioFormModel::kFieldPathRole).toString().toStdString())) {
      editor_->go_to(at->line, at->column);
    }
  }
}

void ScenarioEditor::diagnostic_activated(QListWidgetItem* item) {
  const int i = item->data(kDiagnosticRole).toInt();
  if (i < 0 || i >= static_cast<int>(diagnostics_.size())) return;
  const scenarios::Diagnostic& d = diagnostics_[static_cast<size_t>(i)];
  if (d.file == display_path_.toStdString() && d.line > 0) editor_->go_to(d.line, d.column);
  if (!d.field_path.empty()) {
    const QModelIndex field = model_->index_of_path(d.field_path);
    if (field.isValid()) {
      tree_->scrollTo(field);
      tree_->setCurrentIndex(field);
    }
  }
}

}  // namespace viosim::gui
