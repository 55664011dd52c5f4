// ExplainView: controls, the worker thread, stepping and export.
#include "gui/app/explain_view.h"

#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QMetaObject>
#include <QSaveFile>
#include <QSplitter>
#include <QVBoxLayout>

#include "gui/app/glossary.h"
#include "gui/app/resizing_view.h"
#include "models/paths/cancelled.h"
#include "models/paths/path_config.h"
#include "scenarios/builder/path_builder.h"

namespace viosim::gui {
namespace {

QString micros(core::Duration d) { return QString::number(d.seconds() * 1e6, 'f', 3); }

}  // namespace

ExplainView::ExplainView(QWidget* parent)
    : QWidget(parent),
      backend_(new QComboBox),
      flow_(new QComboBox),
      packet_(new QSpinBox),
      explain_button_(new QPushButton(tr("Explain"))),
      stop_button_(new QPushButton(tr("Stop"))),
      previous_(new QPushButton(tr("< Previous hop"))),
      next_(new QPushButton(tr("Next hop >"))),
      export_(new QPushButton(tr("Export text..."))),
      summary_(new QLabel(tr("Choose a backend and a packet, then press Explain to follow it through the path."))),
      hop_label_(new QLabel),
      causes_(new QTreeWidget),
      graph_(new PathGraphScene(this)),
      graph_view_(new ResizingView(graph_, [this] { fit_views(); })),
      timeline_(new CoreTimelineScene(this)),
      timeline_view_(new ResizingView(timeline_, [this] { layout_timeline(); })) {
  // The drawings keep the font they were laid out for; presentation mode
  // magnifies them whole (set_font_scale) rather than overflowing boxes.
  graph_->setFont(QApplication::font());
  timeline_->setFont(QApplication::font());
  setFocusPolicy(Qt::StrongFocus);
  packet_->setRange(0, 1'000'000'000);
  packet_->setToolTip(tr("The N-th packet (from 0) delivered to its application after the warm-up"));
  backend_->setToolTip(tr("The I/O path to follow it through"));
  flow_->setToolTip(tr("Count only this flow's packets"));
  previous_->setToolTip(tr("Previous hop (Left arrow)"));
  next_->setToolTip(tr("Next hop (Right arrow)"));
  previous_->setEnabled(false);
  next_->setEnabled(false);
  export_->setEnabled(false);
  summary_->setWordWrap(true);
  hop_label_->setWordWrap(true);
  hop_label_->setTextFormat(Qt::RichText);
  hop_label_->setTextInteractionFlags(Qt::TextBrowserInteraction);
  connect(hop_label_, &QLabel::linkActivated, this, [this](const QString& link) {
    if (const QString term = glossary_term_of_link(link); !term.isEmpty()) Q_EMIT glossary_requested(term);
  });
  causes_->setColumnCount(4);
  causes_->setHeaderLabels({tr("time (µs)"), tr("kind"), tr("track"), tr("what happened on the way")});
  causes_->setRootIsDecorated(false);
  causes_->header()->setStretchLastSection(true);
  causes_->setColumnWidth(0, 80);
  causes_->setColumnWidth(1, 80);
  causes_->setColumnWidth(2, 170);
  for (QGraphicsView* v : {graph_view_, timeline_view_}) {
    v->setRenderHint(QPainter::Antialiasing);
    v->setFocusPolicy(Qt::NoFocus);  // arrow keys step through hops, they do not scroll
  }
  graph_view_->setMinimumSize(360, 240);
  timeline_view_->setMinimumHeight(140);

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Backend")));
  controls->addWidget(backend_);
  controls->addWidget(new QLabel(tr("Flow")));
  controls->addWidget(flow_);
  controls->addWidget(new QLabel(tr("Packet")));
  controls->addWidget(packet_);
  controls->addWidget(explain_button_);
  controls->addWidget(stop_button_);
  stop_button_->setEnabled(false);
  stop_button_->setToolTip(tr("Stop following the packet (a long run can take a while to reach it)"));
  controls->addSpacing(20);
  controls->addWidget(previous_);
  controls->addWidget(next_);
  controls->addStretch();
  controls->addWidget(export_);

  auto* details = new QWidget;
  auto* details_layout = new QVBoxLayout(details);
  details_layout->setContentsMargins(0, 0, 0, 0);
  details_layout->addWidget(hop_label_);
  details_layout->addWidget(causes_, 1);

  auto* top = new QSplitter(Qt::Horizontal);
  top->addWidget(graph_view_);
  top->addWidget(details);
  top->setStretchFactor(0, 3);
  top->setStretchFactor(1, 2);
  top->setSizes({760, 500});
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(top);
  split->addWidget(timeline_view_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  split->setSizes({430, 230});

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(controls);
  layout->addWidget(summary_);
  layout->addWidget(split, 1);

  connect(explain_button_, &QPushButton::clicked, this, [this] { explain_selected(); });
  connect(stop_button_, &QPushButton::clicked, this, [this] { stop(); });
  connect(previous_, &QPushButton::clicked, this, [this] { previous_hop(); });
  connect(next_, &QPushButton::clicked, this, [this] { next_hop(); });
  connect(export_, &QPushButton::clicked, this, [this] { export_dialog(); });
}

ExplainView::~ExplainView() {
  cancel_ = true;
  if (worker_.joinable()) worker_.join();
}

void ExplainView::stop() {
  if (busy()) cancel_ = true;
}

void ExplainView::scenario_changed() {
  const std::optional<viosim::Scenario> scenario = source_ ? source_() : std::nullopt;
  if (!scenario) return;  // keep the choices of the last valid version
  const QString backend = backend_->currentText(), flow = flow_->currentText();
  backend_->clear();
  try {
    for (models::PathBackend b : scenarios::compared_backends(*scenario)) {
      backend_->addItem(QString::fromUtf8(models::backend_name(b).data(), qsizetype(models::backend_name(b).size())));
    }
  } catch (const std::exception&) {
  }
  flow_->clear();
  flow_->addItem(tr("any flow"));
  for (const auto& f : scenario->traffic().flow()) flow_->addItem(QString::fromStdString(f.name()));
  if (backend_->findText(backend) >= 0) backend_->setCurrentText(backend);
  if (flow_->findText(flow) >= 0) flow_->setCurrentText(flow);
}

bool ExplainView::explain_selected() {
  const std::string flow = flow_->currentIndex() <= 0 ? "" : flow_->currentText().toStdString();
  return explain(backend_->currentText().toStdString(), static_cast<uint64_t>(packet_->value()), flow);
}

bool ExplainView::explain(const std::string& backend, uint64_t packet, const std::string& flow) {
  if (busy()) return false;
  const std::optional<viosim::Scenario> scenario = source_ ? source_() : std::nullopt;
  if (!scenario) {
    set_error(tr("The scenario has errors: fix them in the Scenario view first."));
    return false;
  }
  // The controls show what is explained, however it was asked for.
  // "" is the first backend and any flow (the boxes' first entries).
  if (const int at = backend.empty() ? 0 : backend_->findText(QString::fromStdString(backend)); at >= 0) {
    backend_->setCurrentIndex(at);
  }
  if (const int at = flow.empty() ? 0 : flow_->findText(QString::fromStdString(flow)); at >= 0) {
    flow_->setCurrentIndex(at);
  }
  packet_->setValue(static_cast<int>(std::min<uint64_t>(packet, 1'000'000'000)));
  explain_button_->setEnabled(false);
  stop_button_->setEnabled(true);
  cancel_ = false;
  summary_->setText(tr("Following packet %1 through %2...")
                        .arg(packet)
                        .arg(backend.empty() ? tr("the first backend") : QString::fromStdString(backend)));
  explain::ExplainOptions options{backend, packet, flow, &cancel_};
  worker_ = std::thread([this, scenario = *scenario, options] {
    std::optional<explain::Journey> journey;
    QString why;
    try {
      journey = explain::explain_packet(scenario, options);
    } catch (const models::Cancelled&) {
      why = tr("Stopped before the packet was found.");
    } catch (const std::exception& e) {
      why = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, journey = std::move(journey), why] {
          if (worker_.joinable()) worker_.join();
          explain_button_->setEnabled(true);
          stop_button_->setEnabled(false);
          if (!journey) {
            set_error(why);
            Q_EMIT failed(why);
            return;
          }
          journey_ = journey;
          last_error_.clear();
          show_journey();
          Q_EMIT explained();
        },
        Qt::QueuedConnection);
  });
  return true;
}

void ExplainView::set_error(const QString& why) {
  last_error_ = why;
  summary_->setText(QStringLiteral("<span style=\"color:#b00\">%1</span>").arg(why.toHtmlEscaped()));
}

void ExplainView::show_journey() {
  const explain::Journey& j = *journey_;
  summary_->setText(tr("Packet %1 of \"%2\" through %3: flow %4, %5, %6-byte frame, %7; %8 µs one way in %9 hops.")
                        .arg(j.index)
                        .arg(QString::fromStdString(j.scenario), QString::fromStdString(j.backend),
                             QString::fromStdString(j.flow), QString::fromStdString(j.kind))
                        .arg(j.bytes)
                        .arg(QString::fromStdString(j.direction), micros(j.one_way()))
                        .arg(j.hops.size()));
  graph_->set_journey(j);
  timeline_->set_journey(j, timeline_view_->viewport()->width());
  export_->setEnabled(true);
  fit_views();
  hop_ = -1;
  go_to_hop(0);
}

void ExplainView::go_to_hop(int index) {
  if (!journey_ || journey_->hops.empty()) return;
  hop_ = std::clamp(index, 0, hop_count() - 1);
  const explain::Journey& j = *journey_;
  const explain::Hop& hop = j.hops[static_cast<size_t>(hop_)];
  std::vector<std::string> visited;
  for (int i = 0; i < hop_; ++i) {
    const explain::Hop& h = j.hops[static_cast<size_t>(i)];
    visited.insert(visited.end(), h.via.begin(), h.via.end());
    visited.push_back(h.place);
  }
  std::vector<std::string> route;
  if (hop_ > 0) {
    route.push_back(j.hops[static_cast<size_t>(hop_ - 1)].place);
    route.insert(route.end(), hop.via.begin(), hop.via.end());
    route.push_back(hop.place);
  }
  graph_->highlight(hop.place, route, visited);
  graph_view_->ensureVisible(graph_->box_of(hop.place), 60, 40);
  timeline_->mark(hop.at);
  QString step;
  if (hop_ > 0) step = QStringLiteral(" (+%1)").arg(micros(hop.at - j.hops[static_cast<size_t>(hop_ - 1)].at));
  QString text = tr("<b>Hop %1 of %2</b> at %3 µs after birth%4: <b>%5</b><br>%6")
                     .arg(hop_ + 1)
                     .arg(hop_count())
                     .arg(micros(hop.at - j.from), step, QString::fromStdString(hop.place).toHtmlEscaped(),
                          link_glossary_terms(QString::fromStdString(hop.what)));
  if (!hop.where.empty()) text += QStringLiteral(" <i>[%1]</i>").arg(QString::fromStdString(hop.where).toHtmlEscaped());
  if (!hop.via.empty()) {
    QStringList via;
    for (const std::string& v : hop.via) via << QString::fromStdString(v);
    text += tr("<br>through: %1").arg(via.join(QStringLiteral(", ")).toHtmlEscaped());
  }
  if (const std::string link = graph_->highlighted_link(); !link.empty()) {
    text += tr("<br>by: %1").arg(link_glossary_terms(QString::fromStdString(link)));
  }
  hop_label_->setText(text);
  causes_->clear();
  if (hop.earlier > 0) {
    auto* item = new QTreeWidgetItem(causes_);
    item->setText(3, tr("(%n earlier event(s) of these kinds and tracks, not listed)", nullptr,
                        static_cast<int>(std::min<uint64_t>(hop.earlier, INT32_MAX))));
    item->setForeground(3, QColor(0x80, 0x80, 0x80));
  }
  for (const explain::Cause& c : hop.causes) {
    auto* item = new QTreeWidgetItem(causes_);
    item->setText(0, micros(c.at - j.from));
    item->setText(1, QString::fromUtf8(models::cause_kind_name(c.kind).data(),
                                       qsizetype(models::cause_kind_name(c.kind).size())));
    item->setText(2, QString::fromStdString(c.where));
    item->setText(3, QString::fromStdString(c.text));
    item->setTextAlignment(0, Qt::AlignRight | Qt::AlignVCenter);
    // The kind's meaning, from the glossary (Help > Glossary has the rest).
    if (const GlossaryEntry* e = find_glossary_entry(item->text(1))) item->setToolTip(1, e->text);
  }
  if (hop.causes.empty()) {
    auto* item = new QTreeWidgetItem(causes_);
    item->setText(3, hop_ == 0 ? tr("(the packet is born here)") : tr("(nothing else happened on the way)"));
  }
  if (hop.elsewhere > 0) {
    auto* item = new QTreeWidgetItem(causes_);
    item->setText(3, tr("(%n more event(s) elsewhere on the machine: other threads, cores or packets)", nullptr,
                        static_cast<int>(std::min<uint64_t>(hop.elsewhere, INT32_MAX))));
    item->setForeground(3, QColor(0x80, 0x80, 0x80));
  }
  previous_->setEnabled(hop_ > 0);
  next_->setEnabled(hop_ + 1 < hop_count());
}

void ExplainView::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Right:
    case Qt::Key_Down:
    case Qt::Key_PageDown:
    case Qt::Key_Space: next_hop(); return;
    case Qt::Key_Left:
    case Qt::Key_Up:
    case Qt::Key_PageUp:
    case Qt::Key_Backspace: previous_hop(); return;
    case Qt::Key_Home: go_to_hop(0); return;
    case Qt::Key_End: go_to_hop(hop_count() - 1); return;
  }
  QWidget::keyPressEvent(event);
}

void ExplainView::layout_timeline() {
  if (!journey_) return;
  timeline_view_->setTransform(QTransform::fromScale(font_scale_, font_scale_));
  timeline_->set_journey(*journey_, timeline_view_->viewport()->width() / font_scale_);
  if (hop_ >= 0) timeline_->mark(journey_->hops[static_cast<size_t>(hop_)].at);
}

void ExplainView::fit_views() {
  if (graph_->items().isEmpty()) return;
  fit_readably(graph_view_, font_scale_);
  if (!graph_->highlighted_place().empty()) {
    graph_view_->ensureVisible(graph_->box_of(graph_->highlighted_place()), 60, 40);
  } else {
    graph_view_->centerOn(graph_->sceneRect().center());
  }
}

double ExplainView::graph_scale() const { return graph_view_->transform().m11(); }

void ExplainView::set_font_scale(double scale) {
  font_scale_ = scale;
  fit_views();
  layout_timeline();
}

bool ExplainView::export_text(const QString& path) {
  if (!journey_) {
    last_error_ = tr("Nothing to export: explain a packet first.");
    return false;
  }
  QSaveFile out(path);
  if (!out.open(QIODevice::WriteOnly | QIODevice::Text)) {
    last_error_ = tr("Cannot write %1: %2").arg(path, out.errorString());
    return false;
  }
  out.write(QByteArray::fromStdString(explain::journey_text(*journey_)));
  if (!out.commit()) {
    last_error_ = tr("Cannot write %1: %2").arg(path, out.errorString());
    return false;
  }
  return true;
}

void ExplainView::export_dialog() {
  if (!journey_) return;
  const QString suggested = QStringLiteral("packet%1_%2.txt").arg(journey_->index).arg(QString::fromStdString(journey_->backend));
  const QString path = QFileDialog::getSaveFileName(this, tr("Export the explained packet"), suggested, tr("Text (*.txt)"));
  if (path.isEmpty()) return;
  const QString file = QFileInfo(path).suffix().isEmpty() ? path + QStringLiteral(".txt") : path;
  if (!export_text(file)) set_error(last_error_);
}

}  // namespace viosim::gui
