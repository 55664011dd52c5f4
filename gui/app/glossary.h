// The glossary: the terms the GUI shows (the mechanisms, the CPU
// categories, the trace's kinds of cause, the backends) with a short
// definition each. Text the GUI shows (a lesson, an explained hop) links
// every term it contains to its entry; Help > Glossary lists them all.
#pragma once

#include <QString>
#include <QStringList>
#include <vector>

namespace viosim::gui {

struct GlossaryEntry {
  QString term;         // as listed: "VM exit"
  QStringList matches;  // what it is found as in text, whole words, any case: "exit", "exits", "VM exit"
  QString text;         // the definition, plain text
  // Names it is found by but never linked in text, being other words too
  // ("exit", the Explain view's kind of cause).
  QStringList also = {};
};

// Every entry, by term (case-insensitive order).
const std::vector<GlossaryEntry>& glossary();

// The entry listed as `term` (or matched by it), any case; null if none.
const GlossaryEntry* find_glossary_entry(const QString& term);

// `text` as rich text (HTML-escaped, line breaks kept) with the first match
// of each glossary entry linked to "glossary:TERM", longest match first,
// never inside another word or another link.
QString link_glossary_terms(const QString& text);

// The term a "glossary:TERM" link names, or "" for another link.
QString glossary_term_of_link(const QString& link);

}  // namespace viosim::gui
