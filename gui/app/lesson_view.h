// The Lessons panel: a lesson's title, summary and goals above its steps;
// the step chosen shows its text, the places to look at (each a button
// that brings that chart, figure, hop or core into view), its question,
// and once run or asked for, its answer with every figure the lesson
// quotes beside what the run gave. The window runs the steps (it owns the
// editor and the run); this panel asks for them by signal.
#pragma once

#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QTreeWidget>
#include <QWidget>

#include "gui/app/lesson_model.h"

namespace viosim::gui {

class LessonView : public QWidget {
  Q_OBJECT

 public:
  explicit LessonView(QWidget* parent = nullptr);

  void set_lesson(const lesson::LoadedLesson& lesson);
  LessonModel* model() const { return model_; }
  int current_step() const { return current_; }
  void go_to_step(int row);

  // The step's run started, ended (with its check) or came to nothing.
  void step_started(int row);
  void step_checked(int row, lesson::StepCheck check);
  void step_not_run(int row);
  // Shows the answer and the figures of the current step.
  void reveal_answer();
  bool answer_shown() const;

  QListView* steps_view() const { return steps_; }
  QPushButton* run_button() const { return run_; }
  QPushButton* next_button() const { return next_; }
  QPushButton* previous_button() const { return previous_; }
  QPushButton* answer_button() const { return answer_button_; }
  // One button per place the current step looks at, in order.
  const std::vector<QPushButton*>& look_buttons() const { return look_buttons_; }
  // The figures of the answer (backend, figure, the lesson's value, the
  // run's, verdict), then any place looked at that the run lacks.
  QTreeWidget* figures() const { return figures_; }
  QLabel* step_text() const { return text_; }

 Q_SIGNALS:
  void run_requested(int row);
  void look_requested(const viosim::Look& look);
  // A glossary term linked in the lesson's text was clicked.
  void glossary_requested(const QString& term);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  // The headings' fonts, relative to the panel's (which presentation mode scales).
  void apply_fonts();
  void connect_glossary_links(QLabel* label);
  void show_step();
  void fill_figures();

  LessonModel* model_;
  QLabel* title_;
  QLabel* summary_;
  QListView* steps_;
  QLabel* step_title_;
  QLabel* runs_;
  QLabel* text_;
  QWidget* looks_;
  std::vector<QPushButton*> look_buttons_;
  QLabel* question_;
  QPushButton* run_;
  QPushButton* answer_button_;
  QPushButton* previous_;
  QPushButton* next_;
  QLabel* answer_;
  QTreeWidget* figures_;
  int current_ = -1;
};

}  // namespace viosim::gui
