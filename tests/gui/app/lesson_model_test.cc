// LessonModel under QAbstractItemModelTester: a row per step, its state
// through a run, and the check it keeps.
#include "gui/app/lesson_model.h"

#include <gtest/gtest.h>

#include <QColor>
#include <QSignalSpy>

#include "tests/gui/app/model_tester.h"

namespace viosim::gui {
namespace {

lesson::LoadedLesson two_steps() {
  lesson::LoadedLesson lesson;
  lesson.lesson.set_title("t");
  for (const char* title : {"first", "second"}) {
    lesson::LessonStepPlan step;
    step.index = static_cast<int>(lesson.steps.size());
    step.step.set_title(title);
    lesson.steps.push_back(step);
  }
  return lesson;
}

TEST(LessonModel, ARowPerStepWithItsStateThroughARun) {
  LessonModel model;
  CheckedModel checked(&model);
  EXPECT_EQ(model.rowCount(), 0);
  model.set_lesson(two_steps());
  ASSERT_EQ(model.rowCount(), 2);
  EXPECT_EQ(model.index(1).data().toString(), QStringLiteral("2. second"));
  EXPECT_EQ(model.state(0), LessonModel::StepState::kNotRun);
  QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
  model.set_running(0);
  EXPECT_EQ(model.index(0).data(LessonModel::kStateRole).toInt(), int(LessonModel::StepState::kRunning));
  lesson::StepCheck wrong;
  wrong.wrong_expects.emplace_back();
  model.set_checked(0, wrong);
  EXPECT_EQ(model.state(0), LessonModel::StepState::kDiffers);
  EXPECT_TRUE(model.check(0).has_value());
  EXPECT_TRUE(model.index(0).data(Qt::ToolTipRole).toString().contains("differ"));
  model.set_checked(1, lesson::StepCheck{});
  EXPECT_EQ(model.state(1), LessonModel::StepState::kAsSaid);
  EXPECT_NE(model.index(0).data(Qt::DecorationRole).value<QColor>(),
            model.index(1).data(Qt::DecorationRole).value<QColor>());
  // Running again forgets the old check until the new one comes.
  model.set_running(1);
  EXPECT_FALSE(model.check(1).has_value());
  model.set_not_run(1);
  EXPECT_EQ(model.state(1), LessonModel::StepState::kNotRun);
  EXPECT_EQ(changed.count(), 5);
  // Rows past the end are nothing.
  EXPECT_EQ(model.step(2), nullptr);
  EXPECT_FALSE(model.check(7).has_value());
  EXPECT_TRUE(checked.problems().isEmpty()) << checked.problems().join('\n').toStdString();
}

}  // namespace
}  // namespace viosim::gui
