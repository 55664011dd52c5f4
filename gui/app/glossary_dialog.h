// Help > Glossary: every term with its definition, a filter to find one,
// and the terms inside a definition linked to their own entries.
#pragma once

#include <QDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QTextBrowser>

namespace viosim::gui {

class GlossaryDialog : public QDialog {
  Q_OBJECT

 public:
  explicit GlossaryDialog(QWidget* parent = nullptr);

  // Shows the entry of `term` (listed or matched, any case); false if none.
  bool show_term(const QString& term);
  QString shown_term() const;

  QLineEdit* filter() const { return filter_; }
  QListWidget* terms() const { return terms_; }
  QTextBrowser* definition() const { return definition_; }

 private:
  void apply_filter(const QString& text);

  QLineEdit* filter_;
  QListWidget* terms_;
  QTextBrowser* definition_;
};

}  // namespace viosim::gui
