// Sweep load curves with confidence bands.
#include "gui/charts/sweep_charts.h"

#include <QtCharts/QAreaSeries>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "gui/charts/chart_style.h"
#include "gui/charts/csv_cells.h"
#include "gui/charts/render_chart.h"

namespace viosim::charts {
namespace {

std::vector<std::string> split(const std::string& line) { return split_csv_row(line); }
double number(const std::string& cell, double fallback) { return cell_number(cell, fallback); }

// A line for the mean and, when the interval has width, a band.
void add_band(QChart* chart, const std::vector<BandPoint>& points, const QColor& colour, const QString& name,
              Qt::PenStyle style, QAbstractAxis* x, QAbstractAxis* y, bool log_y) {
  auto* mean = new QLineSeries;
  mean->setName(name);
  QPen pen(colour);
  pen.setWidthF(2.0);
  pen.setStyle(style);
  mean->setPen(pen);
  auto* low = new QLineSeries;
  auto* high = new QLineSeries;
  bool wide = false;
  for (const BandPoint& p : points) {
    mean->append(p.x, p.mean);
    // A log axis cannot show an interval reaching zero: cut it at a tenth.
    low->append(p.x, log_y ? std::max(p.low, p.mean * 0.1) : p.low);
    high->append(p.x, p.high);
    wide = wide || p.high > p.low;
  }
  if (wide) {
    auto* band = new QAreaSeries(high, low);
    band->setName(name + QStringLiteral(" 95 % CI"));
    QColor fill = colour;
    fill.setAlphaF(0.18);
    band->setBrush(fill);
    band->setPen(Qt::NoPen);
    chart->addSeries(band);
    band->attachAxis(x);
    band->attachAxis(y);
    for (QLegendMarker* m : chart->legend()->markers(band)) m->setVisible(false);  // the line names it
  } else {
    delete low;
    delete high;
  }
  chart->addSeries(mean);
  mean->attachAxis(x);
  mean->attachAxis(y);
}

// A curve's name and colour: the backend's, and with groups a shade of it
// per group (darker to lighter in order of appearance) and the group's values.
template <class Curves>
QString curve_label(const Curves& c) {
  const QString backend = backend_label(c.backend);
  return c.group.empty() ? backend : backend + QStringLiteral(" (") + QString::fromStdString(c.group) + ")";
}

template <class Data, class Curves>
QColor curve_color(const Data& data, const Curves& c) {
  int index = 0, count = 0;
  for (const Curves& other : data.curves) {
    if (other.backend != c.backend) continue;
    if (&other == &c) index = count;
    ++count;
  }
  const QColor base = backend_color(c.backend);
  if (count <= 1) return base;
  // From 160 % darker to 150 % lighter across the groups.
  const int factor = 60 - static_cast<int>(std::lround(110.0 * index / (count - 1)));
  return factor >= 0 ? base.darker(100 + factor) : base.lighter(100 - factor);
}

// Many curves do not fit in a row under the plot: a column beside it.
template <class Data>
void fit_legend(QChart* chart, const Data& data) {
  if (data.curves.size() > 3) chart->legend()->setAlignment(Qt::AlignRight);
}

QValueAxis* axis_x(const std::string& axis, double hi) {
  auto* x = new QValueAxis;
  x->setTitleText(QString::fromStdString(axis));
  x->setRange(0, hi > 0 ? hi : 1);
  x->applyNiceNumbers();
  x->setLabelFormat(QStringLiteral("%g"));
  return x;
}

QValueAxis* axis_x(const SweepData& data) {
  double hi = 0;
  for (const SweepCurves& c : data.curves) {
    for (const BandPoint& p : c.throughput_pps) hi = std::max(hi, p.x);
  }
  return axis_x(data.axis, hi);
}

// Axes swept together (ZIP) make a group of every point, and a curve of
// one point draws nothing: when every curve holds at most one point, each
// backend's are one curve along the last axis, the others' values riding
// along (a group is kept only by curves of several points).
template <class Curves, class Count, class Merge>
void join_zipped(std::vector<Curves>& curves, Count count, Merge merge) {
  bool zipped = !curves.empty();
  for (const Curves& c : curves) zipped = zipped && !c.group.empty() && count(c) <= 1;
  if (!zipped) return;
  std::vector<Curves> joined;
  for (Curves& c : curves) {
    auto it = std::find_if(joined.begin(), joined.end(), [&](const Curves& j) { return j.backend == c.backend; });
    if (it == joined.end()) {
      c.group.clear();
      joined.push_back(std::move(c));
    } else {
      merge(*it, c);
    }
  }
  curves = std::move(joined);
}

// A table's header as column indices, and a lookup that names what is missing.
struct Columns {
  std::string path;
  std::vector<std::string> header;
  std::map<std::string, size_t> index;
  size_t operator()(const std::string& name) const {
    auto it = index.find(name);
    if (it == index.end()) throw std::runtime_error(path + ": no column " + name);
    return it->second;
  }
};

Columns read_header(std::ifstream& in, const std::string& path) {
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(path + ": empty");
  Columns c{path, split(line), {}};
  for (size_t i = 0; i < c.header.size(); ++i) c.index[c.header[i]] = i;
  return c;
}

void write_charts(const std::vector<std::pair<std::string, std::unique_ptr<QChart>>>& charts, const std::string& dir,
                  int width, int height, std::vector<std::string>& files) {
  for (const auto& [name, chart] : charts) {
    for (const char* ext : {".png", ".svg"}) {
      const std::string path = (std::filesystem::path(dir) / (std::string(name) + ext)).string();
      render_chart(chart.get(), QString::fromStdString(path), QSize(width, height));
      files.push_back(path);
    }
  }
}

}  // namespace

SweepData read_sweep_aggregate(const std::string& path) {
  std::ifstream in(path);
  const Columns need = read_header(in, path);
  const std::vector<std::string>& header = need.header;
  std::string line;
  const size_t backend = need("backend");
  const size_t status = need("status");
  if (backend == 0) throw std::runtime_error(path + ": no swept field before the backend column");
  SweepData data;
  const size_t x_column = backend - 1;
  data.axis = header[x_column];
  struct Figure {
    size_t mean, low, high;
  };
  auto figure = [&](const std::string& name) {
    return Figure{need(name + "_mean"), need(name + "_ci95_low"), need(name + "_ci95_high")};
  };
  const Figure tput = figure("throughput_pps"), p50 = figure("latency_p50_us"), p99 = figure("latency_p99_us");
  // flow[NAME].latency_p99_us_mean columns name the flows, in column order.
  const std::string prefix = "flow[", suffix = "].latency_p99_us_mean";
  std::vector<std::pair<Figure, Figure>> flow_figures;
  for (const std::string& h : header) {
    if (h.size() > prefix.size() + suffix.size() && h.compare(0, prefix.size(), prefix) == 0 &&
        h.compare(h.size() - suffix.size(), suffix.size(), suffix) == 0) {
      const std::string name = h.substr(prefix.size(), h.size() - prefix.size() - suffix.size());
      data.flows.push_back(name);
      flow_figures.push_back({figure("flow[" + name + "].latency_p50_us"), figure("flow[" + name + "].latency_p99_us")});
    }
  }
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = split(line);
    if (cells.size() < header.size() || cells[status] != "ok") continue;
    std::string group;
    for (size_t a = 0; a < x_column; ++a) group += (a > 0 ? ", " : "") + short_name(header[a]) + "=" + cells[a];
    auto it = std::find_if(data.curves.begin(), data.curves.end(), [&](const SweepCurves& c) {
      return c.backend == cells[backend] && c.group == group;
    });
    if (it == data.curves.end()) {
      data.curves.push_back({cells[backend], group, {}, {}, {}, {}, {}});
      it = data.curves.end() - 1;
      it->flow_p50_us.resize(flow_figures.size());
      it->flow_p99_us.resize(flow_figures.size());
    }
    const double x = number(cells[x_column], 0);
    auto point = [&](const Figure& f) {
      const double mean = number(cells[f.mean], 0);
      return BandPoint{x, mean, number(cells[f.low], mean), number(cells[f.high], mean)};
    };
    // A latency of 0 is a point without samples (the flow delivered
    // nothing there): left out, not drawn at the bottom of a log axis.
    auto add_latency = [&](std::vector<BandPoint>& v, const Figure& f) {
      const BandPoint p = point(f);
      if (p.mean > 0) v.push_back(p);
    };
    it->throughput_pps.push_back(point(tput));
    add_latency(it->latency_p50_us, p50);
    add_latency(it->latency_p99_us, p99);
    for (size_t f = 0; f < flow_figures.size(); ++f) {
      add_latency(it->flow_p50_us[f], flow_figures[f].first);
      add_latency(it->flow_p99_us[f], flow_figures[f].second);
    }
  }
  const auto append = [](std::vector<BandPoint>& to, const std::vector<BandPoint>& from) {
    to.insert(to.end(), from.begin(), from.end());
  };
  join_zipped(
      data.curves, [](const SweepCurves& c) { return c.throughput_pps.size(); },
      [&](SweepCurves& to, const SweepCurves& from) {
        append(to.throughput_pps, from.throughput_pps);
        append(to.latency_p50_us, from.latency_p50_us);
        append(to.latency_p99_us, from.latency_p99_us);
        for (size_t f = 0; f < to.flow_p50_us.size(); ++f) {
          append(to.flow_p50_us[f], from.flow_p50_us[f]);
          append(to.flow_p99_us[f], from.flow_p99_us[f]);
        }
      });
  for (SweepCurves& c : data.curves) {
    std::vector<std::vector<BandPoint>*> all{&c.throughput_pps, &c.latency_p50_us, &c.latency_p99_us};
    for (auto& v : c.flow_p50_us) all.push_back(&v);
    for (auto& v : c.flow_p99_us) all.push_back(&v);
    for (auto* v : all) {
      std::stable_sort(v->begin(), v->end(), [](const BandPoint& a, const BandPoint& b) { return a.x < b.x; });
    }
  }
  return data;
}

std::unique_ptr<QChart> sweep_throughput_chart(const SweepData& data) {
  std::unique_ptr<QChart> chart(new_chart(QStringLiteral("Throughput against load (mean, 95 % CI band)"),
                                          QStringLiteral("sweep over ") + QString::fromStdString(data.axis)));
  double hi = 0;
  for (const SweepCurves& c : data.curves) {
    for (const BandPoint& p : c.throughput_pps) hi = std::max(hi, p.high);
  }
  QValueAxis* x = axis_x(data);
  QValueAxis* y = new_value_axis(QStringLiteral("delivered (packets/s)"), hi);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (const SweepCurves& c : data.curves) {
    add_band(chart.get(), c.throughput_pps, curve_color(data, c), curve_label(c), Qt::SolidLine, x, y, false);
  }
  fit_legend(chart.get(), data);
  return chart;
}

std::unique_ptr<QChart> sweep_latency_chart(const SweepData& data, int flow) {
  const bool one = flow >= 0 && static_cast<size_t>(flow) < data.flows.size();
  const QString whose = one ? QStringLiteral("Latency of flow ") + QString::fromStdString(data.flows[flow])
                            : QStringLiteral("Latency");
  std::unique_ptr<QChart> chart(new_chart(whose + QStringLiteral(" against load: p99 solid, p50 dashed (95 % CI bands)"),
                                          QStringLiteral("sweep over ") + QString::fromStdString(data.axis)));
  auto p50_of = [&](const SweepCurves& c) -> const std::vector<BandPoint>& {
    return one ? c.flow_p50_us[flow] : c.latency_p50_us;
  };
  auto p99_of = [&](const SweepCurves& c) -> const std::vector<BandPoint>& {
    return one ? c.flow_p99_us[flow] : c.latency_p99_us;
  };
  double lo = 0, hi = 0;
  bool any = false;
  for (const SweepCurves& c : data.curves) {
    for (const auto* v : {&p50_of(c), &p99_of(c)}) {
      for (const BandPoint& p : *v) {
        if (p.low <= 0) continue;
        lo = any ? std::min(lo, p.low) : p.low;
        hi = any ? std::max(hi, p.high) : p.high;
        any = true;
      }
    }
  }
  QValueAxis* x = axis_x(data);
  auto* y = new QLogValueAxis;
  y->setTitleText(QStringLiteral("latency (us, log scale)"));
  y->setLabelFormat(QStringLiteral("%g"));
  set_log_range(y, any ? lo : 0, any ? hi : 0);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (const SweepCurves& c : data.curves) {
    const QString label = curve_label(c);
    const QColor colour = curve_color(data, c);
    add_band(chart.get(), p99_of(c), colour, label + QStringLiteral(" p99"), Qt::SolidLine, x, y, true);
    add_band(chart.get(), p50_of(c), colour, label + QStringLiteral(" p50"), Qt::DashLine, x, y, true);
  }
  fit_legend(chart.get(), data);
  return chart;
}

std::vector<std::string> write_sweep_plots(const SweepData& data, const std::string& dir, int width, int height) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> files;
  std::vector<std::pair<std::string, std::unique_ptr<QChart>>> charts;
  charts.emplace_back("throughput_vs_load", sweep_throughput_chart(data));
  charts.emplace_back("latency_vs_load", sweep_latency_chart(data));
  for (size_t f = 0; f < data.flows.size(); ++f) {
    charts.emplace_back("latency_vs_load_flow" + std::to_string(f), sweep_latency_chart(data, static_cast<int>(f)));
  }
  write_charts(charts, dir, width, height, files);
  return files;
}

SearchData read_search_table(const std::string& path) {
  std::ifstream in(path);
  const Columns need = read_header(in, path);
  const size_t backend = need("backend"), status = need("status");
  const size_t ndr = need("ndr_pps"), ndr_fail = need("ndr_fail_pps"), pdr = need("pdr_pps"),
               pdr_fail = need("pdr_fail_pps");
  if (backend == 0) throw std::runtime_error(path + ": no swept field before the backend column");
  SearchData data;
  const size_t x_column = backend - 1;
  data.axis = need.header[x_column];
  std::string line;
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = split(line);
    if (cells.size() < need.header.size() || cells[status] != "ok") continue;
    std::string group;
    for (size_t a = 0; a < x_column; ++a) group += (a > 0 ? ", " : "") + short_name(need.header[a]) + "=" + cells[a];
    auto it = std::find_if(data.curves.begin(), data.curves.end(),
                           [&](const SearchCurves& c) { return c.backend == cells[backend] && c.group == group; });
    if (it == data.curves.end()) {
      data.curves.push_back({cells[backend], group, {}, {}});
      it = data.curves.end() - 1;
    }
    const double x = number(cells[x_column], 0);
    // A rate below the lowest tried has no passing rate: nothing to draw.
    // One that passed at the maximum has no failing rate: no band.
    auto add = [&](std::vector<BandPoint>& v, size_t pass, size_t fail) {
      const double rate = number(cells[pass], 0);
      if (rate <= 0) return;
      const double failed = number(cells[fail], 0);
      v.push_back({x, rate, rate, failed > rate ? failed : rate});
    };
    add(it->ndr, ndr, ndr_fail);
    add(it->pdr, pdr, pdr_fail);
  }
  join_zipped(
      data.curves, [](const SearchCurves& c) { return std::max(c.ndr.size(), c.pdr.size()); },
      [](SearchCurves& to, const SearchCurves& from) {
        to.ndr.insert(to.ndr.end(), from.ndr.begin(), from.ndr.end());
        to.pdr.insert(to.pdr.end(), from.pdr.begin(), from.pdr.end());
      });
  for (SearchCurves& c : data.curves) {
    for (auto* v : {&c.ndr, &c.pdr}) {
      std::stable_sort(v->begin(), v->end(), [](const BandPoint& a, const BandPoint& b) { return a.x < b.x; });
    }
  }
  return data;
}

std::unique_ptr<QChart> search_rates_chart(const SearchData& data) {
  std::unique_ptr<QChart> chart(new_chart(
      QStringLiteral("Zero-loss rate (NDR, solid) and partial-drop rate (PDR, dashed)"),
      QStringLiteral("band: up to the lowest rate that failed; sweep over ") + QString::fromStdString(data.axis)));
  double x_hi = 0, y_hi = 0;
  for (const SearchCurves& c : data.curves) {
    for (const auto* v : {&c.ndr, &c.pdr}) {
      for (const BandPoint& p : *v) {
        x_hi = std::max(x_hi, p.x);
        y_hi = std::max(y_hi, p.high);
      }
    }
  }
  QValueAxis* x = axis_x(data.axis, x_hi);
  QValueAxis* y = new_value_axis(QStringLiteral("offered (packets/s)"), y_hi);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (const SearchCurves& c : data.curves) {
    const QString label = curve_label(c);
    const QColor colour = curve_color(data, c);
    add_band(chart.get(), c.ndr, colour, label + QStringLiteral(" NDR"), Qt::SolidLine, x, y, false);
    add_band(chart.get(), c.pdr, colour, label + QStringLiteral(" PDR"), Qt::DashLine, x, y, false);
  }
  fit_legend(chart.get(), data);
  return chart;
}

std::vector<std::string> write_search_plots(const SearchData& data, const std::string& dir, int width, int height) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> files;
  std::vector<std::pair<std::string, std::unique_ptr<QChart>>> charts;
  charts.emplace_back("rates_vs_" + short_name(data.axis), search_rates_chart(data));
  write_charts(charts, dir, width, height, files);
  return files;
}

}  // namespace viosim::charts
