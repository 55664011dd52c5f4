// LessonView: the lesson's text and controls; the window does the runs.
#include "gui/app/lesson_view.h"

#include <QEvent>
#include <QFont>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include "gui/app/glossary.h"

namespace viosim::gui {
namespace {

QLabel* wrapped_label() {
  auto* label = new QLabel;
  label->setWordWrap(true);
  label->setTextFormat(Qt::RichText);
  label->setTextInteractionFlags(Qt::TextBrowserInteraction);
  label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  return label;
}

// Text with its line breaks kept and its glossary terms linked.
QString paragraphs(const std::string& text) { return link_glossary_terms(QString::fromStdString(text)); }

}  // namespace

LessonView::LessonView(QWidget* parent)
    : QWidget(parent),
      model_(new LessonModel(this)),
      title_(wrapped_label()),
      summary_(wrapped_label()),
      steps_(new QListView),
      step_title_(wrapped_label()),
      runs_(wrapped_label()),
      text_(wrapped_label()),
      looks_(new QWidget),
      question_(wrapped_label()),
      run_(new QPushButton(tr("Run this step"))),
      answer_button_(new QPushButton(tr("Show the answer"))),
      previous_(new QPushButton(tr("Previous step"))),
      next_(new QPushButton(tr("Next step"))),
      answer_(wrapped_label()),
      figures_(new QTreeWidget) {
  apply_fonts();
  title_->setText(tr("No lesson open: choose one under File > Lessons."));
  runs_->setStyleSheet(QStringLiteral("color: #666"));
  steps_->setModel(model_);
  steps_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  steps_->setWordWrap(true);
  steps_->setMinimumWidth(200);
  figures_->setHeaderLabels({tr("backend"), tr("figure"), tr("the lesson says"), tr("the run gave"), QString()});
  figures_->setRootIsDecorated(false);
  figures_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  figures_->setMinimumHeight(120);
  new QVBoxLayout(looks_);
  looks_->layout()->setContentsMargins(0, 0, 0, 0);

  auto* step_page = new QWidget;
  auto* step_layout = new QVBoxLayout(step_page);
  step_layout->addWidget(step_title_);
  step_layout->addWidget(runs_);
  step_layout->addWidget(text_);
  step_layout->addWidget(looks_);
  step_layout->addWidget(question_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(run_);
  buttons->addWidget(answer_button_);
  buttons->addStretch(1);
  buttons->addWidget(previous_);
  buttons->addWidget(next_);
  step_layout->addLayout(buttons);
  step_layout->addWidget(answer_);
  step_layout->addWidget(figures_);
  step_layout->addStretch(1);
  // The step scrolls rather than being cut off in a small window.
  auto* scroll = new QScrollArea;
  scroll->setWidget(step_page);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);

  auto* split = new QSplitter;
  split->addWidget(steps_);
  split->addWidget(scroll);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 4);
  // The summary and goals scroll in a pane of their own above the steps,
  // so that in large type the step keeps most of the height.
  auto* intro = new QScrollArea;
  intro->setWidget(summary_);
  intro->setWidgetResizable(true);
  intro->setFrameShape(QFrame::NoFrame);
  auto* body = new QSplitter(Qt::Vertical);
  body->addWidget(intro);
  body->addWidget(split);
  body->setStretchFactor(0, 1);
  body->setStretchFactor(1, 3);
  body->setChildrenCollapsible(false);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title_);
  layout->addWidget(body, 1);

  for (QLabel* label : {summary_, text_, question_, answer_}) connect_glossary_links(label);
  connect(steps_->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& index) { go_to_step(index.row()); });
  connect(run_, &QPushButton::clicked, this, [this] { Q_EMIT run_requested(current_); });
  connect(answer_button_, &QPushButton::clicked, this, [this] { reveal_answer(); });
  connect(previous_, &QPushButton::clicked, this, [this] { go_to_step(current_ - 1); });
  connect(next_, &QPushButton::clicked, this, [this] { go_to_step(current_ + 1); });
  show_step();
}

void LessonView::connect_glossary_links(QLabel* label) {
  connect(label, &QLabel::linkActivated, this, [this](const QString& link) {
    if (const QString term = glossary_term_of_link(link); !term.isEmpty()) Q_EMIT glossary_requested(term);
  });
}

void LessonView::apply_fonts() {
  QFont big = font();
  big.setPointSizeF(big.pointSizeF() * 1.5);
  big.setBold(true);
  title_->setFont(big);
  QFont bold = font();
  bold.setPointSizeF(bold.pointSizeF() * 1.2);
  bold.setBold(true);
  step_title_->setFont(bold);
}

void LessonView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::FontChange || event->type() == QEvent::ApplicationFontChange) apply_fonts();
  QWidget::changeEvent(event);
}

void LessonView::set_lesson(const lesson::LoadedLesson& lesson) {
  model_->set_lesson(lesson);
  title_->setText(QString::fromStdString(lesson.lesson.title()).toHtmlEscaped());
  QString text = paragraphs(lesson.lesson.summary());
  if (lesson.lesson.goal_size() > 0) {
    text += QStringLiteral("<p><b>%1</b><ul>").arg(tr("Goals"));
    for (const std::string& goal : lesson.lesson.goal()) text += QStringLiteral("<li>%1</li>").arg(paragraphs(goal));
    text += QStringLiteral("</ul>");
  }
  summary_->setText(text);
  current_ = -1;
  go_to_step(0);
}

void LessonView::go_to_step(int row) {
  if (model_->step(row) == nullptr || row == current_) return;
  current_ = row;
  steps_->setCurrentIndex(model_->index(row));
  show_step();
}

void LessonView::show_step() {
  look_buttons_.clear();  // children of the rows removed below
  QLayout* looks = looks_->layout();
  while (QLayoutItem* item = looks->takeAt(0)) {
    if (QWidget* w = item->widget()) {
      w->hide();  // out of sight now; deleted once the event that got us here is done
      w->deleteLater();
    }
    delete item;
  }
  const lesson::LessonStepPlan* step = model_->step(current_);
  run_->setEnabled(step != nullptr);
  answer_button_->setEnabled(step != nullptr && step->step.has_question());
  previous_->setEnabled(step != nullptr && current_ > 0);
  next_->setEnabled(step != nullptr && current_ + 1 < model_->rowCount());
  answer_->hide();
  figures_->hide();
  if (step == nullptr) {
    step_title_->clear();
    runs_->clear();
    text_->clear();
    question_->clear();
    return;
  }
  step_title_->setText(tr("Step %1 of %2: %3")
                           .arg(current_ + 1)
                           .arg(model_->rowCount())
                           .arg(QString::fromStdString(step->step.title()).toHtmlEscaped()));
  QString runs = tr("Runs %1").arg(QString::fromStdString(step->scenario_file));
  for (const std::string& set : step->options.set) runs += QStringLiteral(" --set ") + QString::fromStdString(set);
  if (!step->options.backend.empty())
    runs += QStringLiteral(" --backend ") + QString::fromStdString(step->options.backend);
  runs_->setText(runs.toHtmlEscaped());
  text_->setText(paragraphs(step->step.text()));
  if (step->step.look_size() > 0) {
    auto* heading = new QLabel(tr("<b>Look at</b>"));
    looks->addWidget(heading);
  }
  for (const viosim::Look& look : step->step.look()) {
    auto* row = new QWidget;
    auto* line = new QHBoxLayout(row);
    line->setContentsMargins(0, 0, 0, 0);
    auto* button = new QPushButton(tr("Show %1").arg(QString::fromStdString(lesson::look_text(look))));
    auto* why = wrapped_label();
    why->setText(paragraphs(look.why()));
    connect_glossary_links(why);
    line->addWidget(button);
    line->addWidget(why, 1);
    looks->addWidget(row);
    look_buttons_.push_back(button);
    connect(button, &QPushButton::clicked, this, [this, look] { Q_EMIT look_requested(look); });
  }
  question_->setText(
      step->step.has_question()
          ? QStringLiteral("<b>%1</b><br>%2").arg(tr("Question"), paragraphs(step->step.question().text()))
          : QString());
  if (model_->check(current_)) reveal_answer();
}

void LessonView::reveal_answer() {
  const lesson::LessonStepPlan* step = model_->step(current_);
  if (step == nullptr || !step->step.has_question()) return;
  answer_->setText(QStringLiteral("<b>%1</b><br>%2").arg(tr("Answer"), paragraphs(step->step.question().answer())));
  answer_->show();
  fill_figures();
  figures_->show();
}

bool LessonView::answer_shown() const { return !answer_->isHidden(); }

void LessonView::fill_figures() {
  figures_->clear();
  const lesson::LessonStepPlan* step = model_->step(current_);
  const auto& check = model_->check(current_);
  for (int k = 0; k < step->step.question().expect_size(); ++k) {
    const viosim::Expect& expect = step->step.question().expect(k);
    auto* item = new QTreeWidgetItem(figures_);
    item->setText(0, QString::fromStdString(expect.has_backend() ? expect.backend() : step->backends.front()));
    item->setText(1, QString::fromStdString(expect.figure()));
    item->setText(2, QString::fromStdString(lesson::expected_text(expect)));
    if (!check || k >= static_cast<int>(check->expects.size())) {
      item->setText(3, tr("run the step to see"));
      continue;
    }
    const lesson::ExpectCheck& e = check->expects[static_cast<size_t>(k)];
    item->setText(3, e.actual ? QString::fromStdString(lesson::figure_text(*e.actual)) : tr("none"));
    item->setText(4, e.ok() ? tr("as the lesson says") : QString::fromStdString(e.problem));
    item->setForeground(4, e.ok() ? QColor(0x2c, 0xa0, 0x2c) : QColor(0xd6, 0x27, 0x28));
  }
  // Places the step points at that this run does not have.
  if (!check) return;
  for (const scenarios::Diagnostic& d : check->missing_looks) {
    auto* item = new QTreeWidgetItem(figures_);
    item->setText(1, tr("a place to look at"));
    item->setText(4, QString::fromStdString(d.message));
    item->setForeground(4, QColor(0xd6, 0x27, 0x28));
  }
}

void LessonView::step_started(int row) { model_->set_running(row); }

void LessonView::step_checked(int row, lesson::StepCheck check) {
  model_->set_checked(row, std::move(check));
  if (row == current_) reveal_answer();
}

void LessonView::step_not_run(int row) { model_->set_not_run(row); }

}  // namespace viosim::gui
