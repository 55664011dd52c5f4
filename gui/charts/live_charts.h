// Charts that grow while a run goes on. The GUI appends a point per backend
// each time it samples the run (a few times a second, never per event);
// the axes widen to fit what has arrived.
#pragma once

#include <QString>
#include <QtCharts/QChart>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <map>
#include <string>

namespace viosim::charts {

// Delivered throughput (packets per simulated second, in kpkt/s) against
// simulated time (ms), one line per backend in its colour. Every backend's
// run starts at 0 ms, so their lines lie over each other for comparison.
class LiveThroughputChart : public QChart {
 public:
  explicit LiveThroughputChart(const QString& subtitle = QString());

  void add_point(const std::string& backend, double sim_ms, double packets_per_s);
  // Forgets every line (a new run).
  void clear_points();
  // The line of `backend`, or null before its first point.
  QLineSeries* series_of(const std::string& backend) const;

 private:
  QValueAxis* x_;
  QValueAxis* y_;
  std::map<std::string, QLineSeries*> lines_;
  double x_max_ = 0;
  double y_max_ = 0;
};

}  // namespace viosim::charts
