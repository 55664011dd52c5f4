#include "gui/charts/plan_charts.h"

#include <QtCharts/QAreaSeries>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "gui/charts/chart_style.h"
#include "gui/charts/csv_cells.h"
#include "gui/charts/heatmap_chart.h"
#include "gui/charts/render_chart.h"

namespace viosim::charts {
namespace {

std::string where(const PlanAnswer& a) {
  std::string text;
  for (const SweepAxisValue& v : a.axis())
    text += (text.empty() ? " at " : ", ") + short_name(v.field()) + "=" + v.value();
  return text;
}

QString answer_line(const PlanReport& r, const PlanAnswer& a) {
  std::string text = r.objective() + ": ";
  if (a.status() == "none") {
    text += "none (even " + a.next_value_text() + " " + a.next_verdict() + "s)";
  } else {
    text += a.value_text() + (a.status() == "bound" ? " (the plan's limit)" : "");
  }
  return QString::fromStdString(text);
}

QColor verdict_color(const std::string& verdict) {
  if (verdict == "pass") return QColor(0x1b, 0x9e, 0x77);
  if (verdict == "fail") return QColor(0xd9, 0x5f, 0x02);
  return QColor(0x75, 0x70, 0xb3);  // undecided
}

}  // namespace

std::unique_ptr<QChart> plan_figure_chart(const PlanReport& report, int answer, int criterion) {
  const PlanAnswer& a = report.answers(answer);
  struct Point {
    double x, mean, low, high;
    std::string verdict;
  };
  std::vector<Point> points;
  std::string name;
  double bound = 0;
  for (const PlanProbe& p : a.probes()) {
    if (criterion >= p.figures_size()) continue;
    const PlanFigure& f = p.figures(criterion);
    name = f.criterion();
    bound = f.bound();
    points.push_back({p.value(), f.mean(), f.has_ci95_low() ? f.ci95_low() : f.mean(),
                      f.has_ci95_high() ? f.ci95_high() : f.mean(), f.verdict()});
  }
  std::sort(points.begin(), points.end(), [](const Point& l, const Point& r) { return l.x < r.x; });
  // A tipping point the answer warns of (trend_check), on this figure.
  QString subtitle = answer_line(report, a);
  for (const std::string& w : a.warnings()) {
    if (!name.empty() && w.rfind(name + ":", 0) == 0) {
      subtitle += QStringLiteral("; this figure improves somewhere as the search asks more (a tipping point)");
    }
  }
  std::unique_ptr<QChart> chart(new_chart(QString::fromStdString(name) + QStringLiteral(", ") +
                                              backend_label(a.backend()) + QString::fromStdString(where(a)),
                                          subtitle));
  double lo_x = points.empty() ? 0 : points.front().x, hi_x = points.empty() ? 1 : points.back().x;
  double hi_y = bound;
  for (const Point& p : points) hi_y = std::max(hi_y, p.high);
  const bool log_x = report.objective() == "highest_rate";
  QAbstractAxis* x = nullptr;
  if (log_x) {
    auto* axis = new QLogValueAxis;
    set_log_range(axis, lo_x, hi_x);
    x = axis;
  } else {
    auto* axis = new QValueAxis;
    const double top = hi_x + std::max(1.0, 0.05 * (hi_x - lo_x));
    axis->setRange(std::min(0.0, lo_x), top);
    // Whole steps for a count.
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(std::max(1.0, std::ceil(top / 10)));
    axis->setLabelFormat("%g");
    x = axis;
  }
  x->setTitleText(QString::fromStdString(report.searched()));
  auto* y =
      new_value_axis(QString::fromStdString(name.substr(0, name.find(" <=")).substr(0, name.find(" >="))), hi_y * 1.1);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  auto attach = [&](QAbstractSeries* s) {
    chart->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
  };
  auto* upper = new QLineSeries;
  auto* lower = new QLineSeries;
  auto* mean = new QLineSeries;
  for (const Point& p : points) {
    upper->append(p.x, p.high);
    lower->append(p.x, p.low);
    mean->append(p.x, p.mean);
  }
  auto* band = new QAreaSeries(upper, lower);
  band->setName(QStringLiteral("95 % interval"));
  QColor shade = backend_color(a.backend());
  shade.setAlphaF(0.2);
  band->setBrush(shade);
  band->setPen(Qt::NoPen);
  attach(band);
  mean->setName(QStringLiteral("mean over replications"));
  mean->setPen(QPen(backend_color(a.backend()), 2));
  attach(mean);
  for (const char* verdict : {"pass", "fail", "undecided"}) {
    auto* dots = new QScatterSeries;
    dots->setName(QString::fromUtf8(verdict));
    dots->setColor(verdict_color(verdict));
    dots->setMarkerSize(11);
    for (const Point& p : points) {
      if (p.verdict == verdict) dots->append(p.x, p.mean);
    }
    if (dots->count() == 0) {
      delete dots;
      continue;
    }
    attach(dots);
  }
  auto* limit = new QLineSeries;
  limit->setName(QStringLiteral("bound"));
  limit->append(log_x ? lo_x : std::min(0.0, lo_x), bound);
  limit->append(hi_x * (log_x ? 1.0 : 1.05) + (log_x ? 0 : 1), bound);
  limit->setPen(QPen(Qt::black, 1.5, Qt::DashLine));
  attach(limit);
  if (a.status() != "none") {
    auto* marker = new QLineSeries;
    marker->setName(QStringLiteral("answer"));
    marker->append(a.value(), 0);
    marker->append(a.value(), hi_y * 1.1);
    marker->setPen(QPen(QColor(0x33, 0x33, 0x33), 1, Qt::DotLine));
    attach(marker);
  }
  return chart;
}

std::unique_ptr<QChart> plan_cores_chart(const PlanReport& report, int answer) {
  const PlanAnswer& a = report.answers(answer);
  std::unique_ptr<QChart> chart(new_chart(
      QStringLiteral("Busiest cores at the answer, ") + backend_label(a.backend()) + QString::fromStdString(where(a)),
      answer_line(report, a)));
  auto* series = new QHorizontalBarSeries;
  auto* work = new QBarSet(QStringLiteral("work (busy minus polling)"));
  auto* busy = new QBarSet(QStringLiteral("busy"));
  work->setColor(backend_color(a.backend()));
  busy->setColor(QColor(0xbb, 0xbb, 0xbb));
  QStringList names;
  // Most loaded at the top: bar axes list bottom-up.
  for (int i = a.binding_size() - 1; i >= 0; --i) {
    const PlanResource& r = a.binding(i);
    work->append(r.work() * 100);
    busy->append(r.busy() * 100);
    names << QString::fromStdString(r.name() + ": " + r.role());
  }
  series->append(work);
  series->append(busy);
  chart->addSeries(series);
  auto* y = new QBarCategoryAxis;
  y->append(names);
  auto* x = new QValueAxis;
  x->setRange(0, 100);
  x->setTitleText(QStringLiteral("share of the core (%)"));
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  series->attachAxis(x);
  series->attachAxis(y);
  return chart;
}

std::vector<std::string> write_plan_plots(const PlanReport& report, const std::string& dir, int width, int height) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> files;
  auto write = [&](QChart* chart, const std::string& stem) {
    for (const char* ext : {".png", ".svg"}) {
      const std::string path = (std::filesystem::path(dir) / (stem + ext)).string();
      render_chart(chart, QString::fromStdString(path), QSize(width, height));
      files.push_back(path);
    }
  };
  std::map<std::string, int> seen;  // backend -> answers so far, to name files
  for (int i = 0; i < report.answers_size(); ++i) {
    const PlanAnswer& a = report.answers(i);
    std::string stem = a.backend();
    if (report.axis_fields_size() > 0) stem += "_" + std::to_string(seen[a.backend()]++);
    int criteria = 0;
    for (const PlanProbe& p : a.probes()) criteria = std::max(criteria, p.figures_size());
    for (int c = 0; c < criteria; ++c) {
      const std::unique_ptr<QChart> chart = plan_figure_chart(report, i, c);
      write(chart.get(), "slo_" + stem + "_" + std::to_string(c));
    }
    if (a.binding_size() > 0) {
      const std::unique_ptr<QChart> chart = plan_cores_chart(report, i);
      write(chart.get(), "cores_" + stem);
    }
  }
  if (report.axis_fields_size() == 2) {
    SweepMatrix m;
    m.row_axis = report.axis_fields(0);
    m.column_axis = report.axis_fields(1);
    m.quantity = "Answer (" + report.objective() + ")";
    m.scale = 1;
    m.decimals = 0;
    if (report.objective() == "highest_rate") {
      m.quantity = "Highest rate (Mpps)";
      m.scale = 1e-6;
      m.decimals = 2;
    }
    for (const PlanAnswer& a : report.answers()) {
      auto add = [](std::vector<std::string>& list, const std::string& v) {
        if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
      };
      add(m.rows, a.axis(0).value());
      add(m.columns, a.axis(1).value());
      if (std::none_of(m.backends.begin(), m.backends.end(), [&](const auto& b) { return b.name == a.backend(); })) {
        m.backends.push_back({a.backend(), {}});
      }
    }
    for (auto& b : m.backends) {
      b.pps.assign(m.rows.size(), std::vector<std::optional<double>>(m.columns.size()));
      b.at_least.assign(m.rows.size(), std::vector<bool>(m.columns.size(), false));
    }
    for (const PlanAnswer& a : report.answers()) {
      if (a.status() == "none") continue;
      const size_t r = std::find(m.rows.begin(), m.rows.end(), a.axis(0).value()) - m.rows.begin();
      const size_t c = std::find(m.columns.begin(), m.columns.end(), a.axis(1).value()) - m.columns.begin();
      for (auto& b : m.backends) {
        if (b.name != a.backend()) continue;
        b.pps[r][c] = a.value();
        // At the plan's limit the answer is only a bound: a most / rate
        // answer is at least it, a fewest one at most.
        b.at_least[r][c] = a.status() == "bound" && report.objective().rfind("fewest", 0) != 0;
      }
    }
    for (size_t k = 0; k < m.backends.size(); ++k) {
      const std::unique_ptr<QChart> chart = sweep_heatmap_chart(m, k);
      write(chart.get(), "heatmap_" + m.backends[k].name);
    }
  }
  return files;
}

}  // namespace viosim::charts
