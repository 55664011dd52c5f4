// Two-axis sweeps as heatmaps and a CSV matrix.
#include "gui/charts/heatmap_chart.h"

#include <QtCharts/QAreaSeries>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include "gui/charts/chart_style.h"
#include "gui/charts/csv_cells.h"
#include "gui/charts/render_chart.h"

namespace viosim::charts {
namespace {

// Values in ascending numeric order (as written when they are not numbers).
void sort_values(std::vector<std::string>& values) {
  std::stable_sort(values.begin(), values.end(), [](const std::string& a, const std::string& b) {
    const double x = cell_number(a, 0), y = cell_number(b, 0);
    return x != y ? x < y : a < b;
  });
}

size_t index_of(const std::vector<std::string>& values, const std::string& v) {
  return static_cast<size_t>(std::find(values.begin(), values.end(), v) - values.begin());
}

std::string cell_text(const SweepMatrix& m, double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", m.decimals, value * m.scale);
  return text;
}

// CSV cell quoting for a header made of field paths and values.
std::string quoted(const std::string& cell) {
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::optional<SweepMatrix> read_sweep_matrix(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(path + ": empty");
  const std::vector<std::string> header = split_csv_row(line);
  auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error(path + ": no column " + name);
    return static_cast<size_t>(it - header.begin());
  };
  const size_t backend = column("backend"), status = column("status"), pps = column("throughput_pps_mean");
  if (backend != 2) return std::nullopt;  // the swept fields come first
  SweepMatrix m;
  m.row_axis = header[0];
  m.column_axis = header[1];
  struct Cell {
    std::string backend, row, column;
    double pps;
  };
  std::vector<Cell> cells;
  while (std::getline(in, line)) {
    const std::vector<std::string> c = split_csv_row(line);
    if (c.size() < header.size() || c[status] != "ok") continue;
    cells.push_back({c[backend], c[0], c[1], cell_number(c[pps], 0)});
    if (index_of(m.rows, c[0]) == m.rows.size()) m.rows.push_back(c[0]);
    if (index_of(m.columns, c[1]) == m.columns.size()) m.columns.push_back(c[1]);
    const bool known = std::any_of(m.backends.begin(), m.backends.end(),
                                   [&](const SweepMatrix::Backend& b) { return b.name == c[backend]; });
    if (!known) m.backends.push_back({c[backend], {}});
  }
  sort_values(m.rows);
  sort_values(m.columns);
  for (SweepMatrix::Backend& b : m.backends) {
    b.pps.assign(m.rows.size(), std::vector<std::optional<double>>(m.columns.size()));
  }
  for (const Cell& c : cells) {
    for (SweepMatrix::Backend& b : m.backends) {
      if (b.name == c.backend) b.pps[index_of(m.rows, c.row)][index_of(m.columns, c.column)] = c.pps;
    }
  }
  return m;
}

std::unique_ptr<QChart> sweep_heatmap_chart(const SweepMatrix& m, size_t backend) {
  const SweepMatrix::Backend& b = m.backends.at(backend);
  std::unique_ptr<QChart> chart(
      new_chart(QString::fromStdString(m.quantity + ", ") + backend_label(b.name),
                QString::fromStdString("down: " + m.row_axis + ", across: " + m.column_axis + "; darker is more")));
  chart->legend()->hide();
  auto* x = new QCategoryAxis;
  auto* y = new QCategoryAxis;
  x->setRange(0, double(m.columns.size()));
  y->setRange(0, double(m.rows.size()));
  x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
  y->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
  for (size_t c = 0; c < m.columns.size(); ++c) x->append(QString::fromStdString(m.columns[c]), double(c) + 0.5);
  for (size_t r = 0; r < m.rows.size(); ++r) y->append(QString::fromStdString(m.rows[r]), double(r) + 0.5);
  x->setTitleText(QString::fromStdString(short_name(m.column_axis)));
  y->setTitleText(QString::fromStdString(short_name(m.row_axis)));
  x->setGridLineVisible(false);
  y->setGridLineVisible(false);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  double most = 0;
  for (const auto& row : b.pps) {
    for (const auto& v : row) most = std::max(most, v.value_or(0));
  }
  const QColor light(0xf7, 0xfb, 0xff), dark(0x08, 0x30, 0x6b);
  for (size_t r = 0; r < m.rows.size(); ++r) {
    for (size_t c = 0; c < m.columns.size(); ++c) {
      if (!b.pps[r][c]) continue;
      const double share = most > 0 ? *b.pps[r][c] / most : 0;
      const QColor fill = QColor::fromRgbF(light.redF() + (dark.redF() - light.redF()) * share,
                                           light.greenF() + (dark.greenF() - light.greenF()) * share,
                                           light.blueF() + (dark.blueF() - light.blueF()) * share);
      auto* upper = new QLineSeries;
      auto* lower = new QLineSeries;
      upper->append(double(c), double(r) + 1);
      upper->append(double(c) + 1, double(r) + 1);
      lower->append(double(c), double(r));
      lower->append(double(c) + 1, double(r));
      auto* cell = new QAreaSeries(upper, lower);
      cell->setBrush(fill);
      cell->setPen(QPen(Qt::white, 2));
      chart->addSeries(cell);
      cell->attachAxis(x);
      cell->attachAxis(y);
      // The figure, as the point label of an invisible point at the centre.
      auto* label = new QScatterSeries;
      label->append(double(c) + 0.5, double(r) + 0.5);
      label->setMarkerSize(1);
      label->setColor(Qt::transparent);
      label->setBorderColor(Qt::transparent);
      const bool at_least = !b.at_least.empty() && b.at_least[r][c];
      label->setPointLabelsFormat(QString::fromStdString((at_least ? ">= " : "") + cell_text(m, *b.pps[r][c])));
      label->setPointLabelsVisible(true);
      label->setPointLabelsClipping(false);
      label->setPointLabelsColor(share > 0.5 ? Qt::white : Qt::black);
      chart->addSeries(label);
      label->attachAxis(x);
      label->attachAxis(y);
    }
  }
  return chart;
}

std::vector<std::string> write_sweep_heatmaps(const SweepMatrix& m, const std::string& dir, int width, int height) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> files;
  for (size_t k = 0; k < m.backends.size(); ++k) {
    const std::unique_ptr<QChart> chart = sweep_heatmap_chart(m, k);
    for (const char* ext : {".png", ".svg"}) {
      const std::string path = (std::filesystem::path(dir) / ("heatmap_" + m.backends[k].name + ext)).string();
      render_chart(chart.get(), QString::fromStdString(path), QSize(width, height));
      files.push_back(path);
    }
  }
  // One row per backend and row value, one column per column value: the
  // mean delivered packets per second (empty where nothing ran).
  const std::string path = (std::filesystem::path(dir) / "throughput_matrix.csv").string();
  std::ofstream out(path);
  out << "backend," << quoted(m.row_axis);
  for (const std::string& c : m.columns) out << "," << quoted(m.column_axis + "=" + c);
  out << "\n";
  for (const SweepMatrix::Backend& b : m.backends) {
    for (size_t r = 0; r < m.rows.size(); ++r) {
      out << quoted(b.name) << "," << quoted(m.rows[r]);
      for (size_t c = 0; c < m.columns.size(); ++c) {
        out << ",";
        if (b.pps[r][c]) {
          char text[32];
          std::snprintf(text, sizeof text, "%.0f", *b.pps[r][c]);
          out << text;
        }
      }
      out << "\n";
    }
  }
  if (!out) throw std::runtime_error(path + ": cannot write");
  files.push_back(path);
  return files;
}

}  // namespace viosim::charts
