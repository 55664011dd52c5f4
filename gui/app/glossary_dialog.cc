// GlossaryDialog: a list of terms beside the definition of the one chosen.
#include "gui/app/glossary_dialog.h"

#include <QHBoxLayout>
#include <QVBoxLayout>

#include "gui/app/glossary.h"

namespace viosim::gui {

GlossaryDialog::GlossaryDialog(QWidget* parent)
    : QDialog(parent), filter_(new QLineEdit), terms_(new QListWidget), definition_(new QTextBrowser) {
  setWindowTitle(tr("viosim glossary"));
  filter_->setPlaceholderText(tr("Find a term"));
  filter_->setClearButtonEnabled(true);
  for (const GlossaryEntry& e : glossary()) terms_->addItem(e.term);
  definition_->setOpenLinks(false);
  auto* side = new QVBoxLayout;
  side->addWidget(filter_);
  side->addWidget(terms_);
  auto* layout = new QHBoxLayout(this);
  layout->addLayout(side, 1);
  layout->addWidget(definition_, 2);
  resize(760, 420);
  connect(filter_, &QLineEdit::textChanged, this, [this](const QString& text) { apply_filter(text); });
  connect(terms_, &QListWidget::currentTextChanged, this, [this](const QString& term) {
    const GlossaryEntry* e = find_glossary_entry(term);
    if (e == nullptr) return;
    definition_->setHtml(
        QStringLiteral("<h2>%1</h2><p>%2</p>").arg(e->term.toHtmlEscaped(), link_glossary_terms(e->text)));
  });
  connect(definition_, &QTextBrowser::anchorClicked, this,
          [this](const QUrl& url) { show_term(glossary_term_of_link(url.toString())); });
  terms_->setCurrentRow(0);
}

bool GlossaryDialog::show_term(const QString& term) {
  const GlossaryEntry* e = find_glossary_entry(term);
  if (e == nullptr) return false;
  filter_->clear();
  const QList<QListWidgetItem*> items = terms_->findItems(e->term, Qt::MatchExactly);
  if (items.isEmpty()) return false;
  terms_->setCurrentItem(items.front());
  return true;
}

QString GlossaryDialog::shown_term() const { return terms_->currentItem() ? terms_->currentItem()->text() : QString(); }

void GlossaryDialog::apply_filter(const QString& text) {
  for (int i = 0; i < terms_->count(); ++i) {
    QListWidgetItem* item = terms_->item(i);
    const GlossaryEntry* e = find_glossary_entry(item->text());
    const bool shown = text.isEmpty() || e->term.contains(text, Qt::CaseInsensitive) ||
                       e->text.contains(text, Qt::CaseInsensitive) ||
                       std::any_of(e->matches.begin(), e->matches.end(),
                                   [&text](const QString& m) { return m.contains(text, Qt::CaseInsensitive); });
    item->setHidden(!shown);
  }
}

}  // namespace viosim::gui
