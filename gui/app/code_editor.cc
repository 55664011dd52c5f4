// CodeEditor: line numbers after Qt's own code editor example, error lines
// as extra selections so they stay clear of the user's own selection.
#include "gui/app/code_editor.h"

#include <QFontDatabase>
#include <QHelpEvent>
#include <QPainter>
#include <QTextBlock>
#include <QToolTip>

namespace viosim::gui {
namespace {

class Gutter : public QWidget {
 public:
  explicit Gutter(CodeEditor* editor) : QWidget(editor), editor_(editor) {}
  QSize sizeHint() const override { return QSize(editor_->gutter_width(), 0); }

 protected:
  void paintEvent(QPaintEvent* event) override { editor_->paint_gutter(event); }

 private:
  CodeEditor* editor_;
};

const QColor kErrorTint(0xff, 0xd6, 0xd6);

}  // namespace

CodeEditor::CodeEditor(QWidget* parent) : QPlainTextEdit(parent), gutter_(new Gutter(this)) {
  set_font_scale(1.0);
  setLineWrapMode(QPlainTextEdit::NoWrap);
  connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { setViewportMargins(gutter_width(), 0, 0, 0); });
  connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
    if (dy != 0) gutter_->scroll(0, dy);
    else gutter_->update(0, rect.y(), gutter_->width(), rect.height());
  });
  setViewportMargins(gutter_width(), 0, 0, 0);
}

void CodeEditor::set_font_scale(double scale) {
  QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  font.setPointSizeF(font.pointSizeF() * scale);
  setFont(font);
  setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 2);
  setViewportMargins(gutter_width(), 0, 0, 0);
}

int CodeEditor::gutter_width() const {
  int digits = 1;
  for (int n = std::max(1, blockCount()); n >= 10; n /= 10) ++digits;
  return 12 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * (digits + 1);
}

void CodeEditor::resizeEvent(QResizeEvent* event) {
  QPlainTextEdit::resizeEvent(event);
  const QRect r = contentsRect();
  gutter_->setGeometry(QRect(r.left(), r.top(), gutter_width(), r.height()));
}

void CodeEditor::paint_gutter(QPaintEvent* event) {
  QPainter painter(gutter_);
  painter.fillRect(event->rect(), QColor(0xf2, 0xf2, 0xf2));
  QTextBlock block = firstVisibleBlock();
  int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
  int bottom = top + qRound(blockBoundingRect(block).height());
  const int height = fontMetrics().height();
  while (block.isValid() && top <= event->rect().bottom()) {
    if (block.isVisible() && bottom >= event->rect().top()) {
      const int line = block.blockNumber() + 1;
      if (errors_.contains(line)) {
        painter.fillRect(0, top, gutter_->width(), height, QColor(0xd6, 0x27, 0x28));
        painter.setPen(Qt::white);
      } else {
        painter.setPen(QColor(0x80, 0x80, 0x80));
      }
      painter.drawText(0, top, gutter_->width() - 6, height, Qt::AlignRight, QString::number(line));
    }
    block = block.next();
    top = bottom;
    bottom = top + qRound(blockBoundingRect(block).height());
  }
}

void CodeEditor::set_error_lines(const QMap<int, QString>& messages_by_line) {
  errors_ = messages_by_line;
  update_highlights();
  gutter_->update();
}

void CodeEditor::update_highlights() {
  QList<QTextEdit::ExtraSelection> selections;
  for (auto it = errors_.begin(); it != errors_.end(); ++it) {
    const QTextBlock block = document()->findBlockByNumber(it.key() - 1);
    if (!block.isValid()) continue;
    QTextEdit::ExtraSelection s;
    s.format.setBackground(kErrorTint);
    s.format.setProperty(QTextFormat::FullWidthSelection, true);
    s.cursor = QTextCursor(block);
    selections << s;
  }
  setExtraSelections(selections);
}

void CodeEditor::go_to(int line, int column) {
  const QTextBlock block = document()->findBlockByNumber(std::max(0, line - 1));
  if (!block.isValid()) return;
  QTextCursor cursor(block);
  cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                      std::clamp(column - 1, 0, std::max(0, block.length() - 1)));
  setTextCursor(cursor);
  centerCursor();
}

bool CodeEditor::event(QEvent* event) {
  // The error of a tinted line as its tooltip.
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const QPoint at = viewport()->mapFromGlobal(help->globalPos());
    const int line = cursorForPosition(at).blockNumber() + 1;
    if (errors_.contains(line)) {
      QToolTip::showText(help->globalPos(), errors_.value(line), this);
    } else {
      QToolTip::hideText();
    }
    return true;
  }
  return QPlainTextEdit::event(event);
}

}  // namespace viosim::gui
