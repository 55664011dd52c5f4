// LessonModel: a lesson's steps and what their runs showed.
#include "gui/app/lesson_model.h"

#include <QColor>

namespace viosim::gui {

void LessonModel::set_lesson(const lesson::LoadedLesson& lesson) {
  beginResetModel();
  lesson_ = lesson;
  states_.assign(lesson.steps.size(), StepState::kNotRun);
  checks_.assign(lesson.steps.size(), std::nullopt);
  endResetModel();
}

const lesson::LessonStepPlan* LessonModel::step(int row) const {
  if (!lesson_ || row < 0 || row >= static_cast<int>(lesson_->steps.size())) return nullptr;
  return &lesson_->steps[static_cast<size_t>(row)];
}

void LessonModel::set_state(int row, StepState state) {
  if (step(row) == nullptr) return;
  states_[static_cast<size_t>(row)] = state;
  const QModelIndex changed = index(row);
  Q_EMIT dataChanged(changed, changed);
}

void LessonModel::set_running(int row) {
  if (step(row) == nullptr) return;
  checks_[static_cast<size_t>(row)].reset();
  set_state(row, StepState::kRunning);
}

void LessonModel::set_checked(int row, lesson::StepCheck check) {
  if (step(row) == nullptr) return;
  const bool held = check.ok();
  checks_[static_cast<size_t>(row)] = std::move(check);
  set_state(row, held ? StepState::kAsSaid : StepState::kDiffers);
}

void LessonModel::set_not_run(int row) { set_state(row, StepState::kNotRun); }

LessonModel::StepState LessonModel::state(int row) const {
  return step(row) == nullptr ? StepState::kNotRun : states_[static_cast<size_t>(row)];
}

const std::optional<lesson::StepCheck>& LessonModel::check(int row) const {
  static const std::optional<lesson::StepCheck> kNone;
  return step(row) == nullptr ? kNone : checks_[static_cast<size_t>(row)];
}

int LessonModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !lesson_ ? 0 : static_cast<int>(lesson_->steps.size());
}

QVariant LessonModel::data(const QModelIndex& index, int role) const {
  const lesson::LessonStepPlan* s = index.isValid() && index.column() == 0 ? step(index.row()) : nullptr;
  if (s == nullptr) return QVariant();
  const StepState st = states_[static_cast<size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
      return QStringLiteral("%1. %2").arg(index.row() + 1).arg(QString::fromStdString(s->step.title()));
    case Qt::ToolTipRole:
      switch (st) {
        case StepState::kNotRun:
          return tr("Not run yet");
        case StepState::kRunning:
          return tr("Running");
        case StepState::kAsSaid:
          return tr("Run: every figure as the lesson says");
        case StepState::kDiffers:
          return tr("Run: some figures or places differ from what the lesson says");
      }
      break;
    case Qt::DecorationRole:
      switch (st) {
        case StepState::kNotRun:
          return QColor(0xb0, 0xb0, 0xb0);
        case StepState::kRunning:
          return QColor(0x1f, 0x77, 0xb4);
        case StepState::kAsSaid:
          return QColor(0x2c, 0xa0, 0x2c);
        case StepState::kDiffers:
          return QColor(0xd6, 0x27, 0x28);
      }
      break;
    case kStateRole:
      return static_cast<int>(st);
  }
  return QVariant();
}

}  // namespace viosim::gui
