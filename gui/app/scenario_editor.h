// The Scenario view: the file as a form (left) beside its text (right),
// with the validation errors under the text. Editing either side updates
// the other: text edits are parsed after a short pause and shown in the
// form; form edits rewrite the text (the file's leading comments kept).
// After each change the scenario is validated by the loader, and every
// error is shown in the list, tinted at its line and marked at its field.
#pragma once

#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTimer>
#include <QTreeView>
#include <QWidget>
#include <optional>
#include <vector>

#include "gui/app/code_editor.h"
#include "gui/app/scenario_form_model.h"
#include "gui/app/scenario_text.h"
#include "scenarios/loader/loader.h"

namespace viosim::gui {

class ScenarioEditor : public QWidget {
  Q_OBJECT

 public:
  explicit ScenarioEditor(QWidget* parent = nullptr);

  // Shows `text` as the content of `display_path` (a file's path, for
  // diagnostics and for resolving a `base`), validates it and marks it
  // unmodified.
  void set_text(const QString& text, const QString& display_path);
  QString text() const;
  QString display_path() const { return display_path_; }
  void set_display_path(const QString& path) { display_path_ = path; }

  // `--set` overrides applied when validating and running.
  void set_load_options(const scenarios::LoadOptions& options) { load_options_ = options; }
  const scenarios::LoadOptions& load_options() const { return load_options_; }

  // Parses pending text edits and validates now; the result holds the
  // resolved scenario when there is no error.
  scenarios::LoadResult validate();
  // Errors first, then warnings (Diagnostic::warning).
  const std::vector<scenarios::Diagnostic>& diagnostics() const { return diagnostics_; }
  size_t error_count() const;
  // The resolved scenario of the last validation, if it had no error.
  // resolved(), after parsing text typed in the last moments (if any).
  std::optional<viosim::Scenario> resolved_now() {
    if (parse_timer_.isActive()) validate();
    return resolved_;
  }
  const std::optional<viosim::Scenario>& resolved() const { return resolved_; }
  // False while the text has a syntax error (the form then shows the last
  // version that parsed).
  bool text_parses() const { return parsed_.scenario.has_value(); }

  bool is_modified() const { return modified_; }
  void set_modified(bool modified);

  ScenarioFormModel* form_model() const { return model_; }
  QTreeView* form_view() const { return tree_; }
  CodeEditor* text_editor() const { return editor_; }
  QListWidget* diagnostics_view() const { return problems_; }

 Q_SIGNALS:
  void modified_changed(bool modified);
  // After each validation: how many errors there are.
  void validated(int errors);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void text_edited();
  void parse_text();
  void form_edited();
  void show_diagnostics();
  void show_help(const QModelIndex& index);
  void diagnostic_activated(QListWidgetItem* item);

  ScenarioFormModel* model_;
  QTreeView* tree_;
  QLabel* help_;
  QPushButton* add_element_;
  QPushButton* remove_element_;
  CodeEditor* editor_;
  QLabel* status_;
  QListWidget* problems_;
  QTimer parse_timer_;

  QString display_path_ = QStringLiteral("untitled.textproto");
  scenarios::LoadOptions load_options_;
  ParsedText parsed_;
  std::vector<scenarios::Diagnostic> diagnostics_;
  std::optional<viosim::Scenario> resolved_;
  bool updating_text_ = false;
  bool modified_ = false;
};

}  // namespace viosim::gui
