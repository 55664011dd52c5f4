// The glossary: an entry for every term the GUI's charts and the Explain
// view name, and terms linked in text as whole words, longest first.
#include "gui/app/glossary.h"

#include <gtest/gtest.h>

#include "gui/app/glossary_dialog.h"
#include "models/host/cpu_category.h"
#include "models/host/trace_cause.h"

namespace viosim::gui {
namespace {

TEST(Glossary, EveryEntryHasADefinitionAndIsFoundByItsTermAndMatches) {
  ASSERT_GE(glossary().size(), 40u);
  for (const GlossaryEntry& e : glossary()) {
    EXPECT_GT(e.text.size(), 40) << e.term.toStdString();
    EXPECT_EQ(find_glossary_entry(e.term), &e);
    for (const QString& m : e.matches) {
      const GlossaryEntry* found = find_glossary_entry(m);
      ASSERT_NE(found, nullptr) << m.toStdString();
      // One meaning per word: no match is another entry's term or match.
      EXPECT_EQ(found, &e) << m.toStdString() << " is also " << found->term.toStdString();
    }
  }
  EXPECT_EQ(find_glossary_entry("no such term"), nullptr);
}

// The CPU chart's categories and the causes the Explain view lists.
TEST(Glossary, EveryCpuCategoryAndCauseKindHasAnEntry) {
  for (int c = 0; c < models::kCpuCategories; ++c) {
    const std::string_view name = models::category_name(static_cast<models::CpuCategory>(c));
    EXPECT_NE(find_glossary_entry(QString::fromUtf8(name.data(), qsizetype(name.size()))), nullptr) << name;
  }
  for (int k = 0; k < models::kCauseKinds; ++k) {
    const std::string_view name = models::cause_kind_name(static_cast<models::CauseKind>(k));
    if (name == "other") continue;
    EXPECT_NE(find_glossary_entry(QString::fromUtf8(name.data(), qsizetype(name.size()))), nullptr) << name;
  }
}

TEST(Glossary, LinksWholeWordsLongestFirstAndEscapesTheRest) {
  const QString html = link_glossary_terms("A VM exit, the kick's irqfd <b>\nvhost-net exits_x NAPIs");
  EXPECT_TRUE(html.contains("<a href=\"glossary:VM exit\">VM exit</a>")) << html.toStdString();
  EXPECT_FALSE(html.contains("glossary:VM exit\">VM <a")) << html.toStdString();
  EXPECT_TRUE(html.contains("<a href=\"glossary:kick\">kick</a>'s")) << html.toStdString();
  EXPECT_TRUE(html.contains("<a href=\"glossary:irqfd\">irqfd</a>")) << html.toStdString();
  EXPECT_TRUE(html.contains("&lt;b&gt;<br>")) << html.toStdString();
  EXPECT_TRUE(html.contains("<a href=\"glossary:vhost-net\">vhost-net</a>")) << html.toStdString();
  EXPECT_TRUE(html.contains(" exits_x ")) << html.toStdString();  // not a word of the glossary
  EXPECT_TRUE(html.contains(" NAPIs")) << html.toStdString();
  // "exit" alone is found (the Explain view's kind) but not linked: a
  // system call has an exit too.
  EXPECT_FALSE(link_glossary_terms("a syscall's entry and exit").contains("glossary:VM exit"));
  EXPECT_EQ(find_glossary_entry("exit"), find_glossary_entry("VM exit"));
  // Each entry is linked once, where it first appears.
  EXPECT_EQ(link_glossary_terms("a kick, then kicks").count("glossary:kick"), 1);
  EXPECT_EQ(glossary_term_of_link("glossary:VM exit"), QStringLiteral("VM exit"));
  EXPECT_EQ(glossary_term_of_link("https://example.org"), QString());
}

TEST(GlossaryDialog, ShowsATermAndFollowsTheLinksInItsDefinition) {
  GlossaryDialog dialog;
  EXPECT_TRUE(dialog.show_term("exits"));
  EXPECT_EQ(dialog.shown_term(), QStringLiteral("VM exit"));
  EXPECT_TRUE(dialog.definition()->toHtml().contains("glossary:KVM") ||
              dialog.definition()->toHtml().contains("glossary:kvm"));
  Q_EMIT dialog.definition()->anchorClicked(QUrl("glossary:irqfd"));
  EXPECT_EQ(dialog.shown_term(), QStringLiteral("irqfd"));
  EXPECT_FALSE(dialog.show_term("no such term"));
  dialog.filter()->setText("Toeplitz");
  int shown = 0;
  for (int i = 0; i < dialog.terms()->count(); ++i) shown += !dialog.terms()->item(i)->isHidden();
  EXPECT_GE(shown, 2);  // the hash itself, and RSS which uses it
  EXPECT_LT(shown, 6);
}

}  // namespace
}  // namespace viosim::gui
