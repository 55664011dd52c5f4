// The scenario's text: a plain-text editor with line numbers in a gutter,
// the lines that have errors tinted (with the message as a tooltip and a
// mark in the gutter), and a way to jump to a line and column.
#pragma once

#include <QMap>
#include <QPlainTextEdit>
#include <QString>

namespace viosim::gui {

class CodeEditor : public QPlainTextEdit {
  Q_OBJECT

 public:
  explicit CodeEditor(QWidget* parent = nullptr);

  // Lines (1-based) to tint, each with its messages; replaces the last set.
  void set_error_lines(const QMap<int, QString>& messages_by_line);
  const QMap<int, QString>& error_lines() const { return errors_; }
  // Puts the cursor at `line`:`column` (1-based) and scrolls there.
  void go_to(int line, int column);
  // The system's fixed font at `scale` times its size (presentation mode).
  void set_font_scale(double scale);

  int gutter_width() const;
  void paint_gutter(QPaintEvent* event);

 protected:
  void resizeEvent(QResizeEvent* event) override;
  bool event(QEvent* event) override;

 private:
  void update_highlights();

  QWidget* gutter_;
  QMap<int, QString> errors_;
};

}  // namespace viosim::gui
