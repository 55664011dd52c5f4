// The steps of the lesson open in the Lessons panel, as a list: a row per
// step, named "N. title", with its state (not run, running, every figure
// as the lesson says, or some not) shown by an icon colour and a tooltip,
// and the step's check kept once its run has ended.
#pragma once

#include <QAbstractListModel>
#include <optional>
#include <vector>

#include "scenarios/lesson/lesson.h"

namespace viosim::gui {

class LessonModel : public QAbstractListModel {
  Q_OBJECT

 public:
  enum class StepState { kNotRun, kRunning, kAsSaid, kDiffers };
  static constexpr int kStateRole = Qt::UserRole + 1;  // StepState as int

  using QAbstractListModel::QAbstractListModel;

  // Replaces the lesson; every step not run.
  void set_lesson(const lesson::LoadedLesson& lesson);
  const std::optional<lesson::LoadedLesson>& lesson() const { return lesson_; }
  const lesson::LessonStepPlan* step(int row) const;

  void set_running(int row);
  // The step's run ended: keeps its check and shows whether it held.
  void set_checked(int row, lesson::StepCheck check);
  // The step's run failed or was cancelled: back to not run.
  void set_not_run(int row);
  StepState state(int row) const;
  const std::optional<lesson::StepCheck>& check(int row) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

 private:
  void set_state(int row, StepState state);

  std::optional<lesson::LoadedLesson> lesson_;
  std::vector<StepState> states_;
  std::vector<std::optional<lesson::StepCheck>> checks_;
};

}  // namespace viosim::gui
