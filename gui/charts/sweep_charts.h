// Load curves of a sweep with their confidence bands, and the rates a
// swept search found: read from a sweep's
// aggregate.csv (mean and 95 % interval per axis point and backend), drawn
// as a line per backend with a translucent band between the interval's
// bounds, in the backend's colour. Throughput against the swept axis, and
// p50 (dashed) and p99 (solid) latency on a log axis. With several axes the
// last one is x and each combination of the others is a curve of its own
// (a shade of the backend's colour, named for its values).
#pragma once

#include <QString>
#include <QtCharts/QChart>
#include <memory>
#include <string>
#include <vector>

namespace viosim::charts {

struct BandPoint {
  double x = 0;
  double mean = 0;
  double low = 0;   // the 95 % interval; equal to mean with one replication
  double high = 0;
};

struct SweepCurves {
  std::string backend;
  // With several swept axes: the values of all but the last one, each
  // named by its field's last part ("queues=4"), one curve per backend and group; empty with one axis.
  std::string group;
  std::vector<BandPoint> throughput_pps;
  std::vector<BandPoint> latency_p50_us;
  std::vector<BandPoint> latency_p99_us;
  // Each flow's own (SweepData::flows order), when the sweep has several.
  std::vector<std::vector<BandPoint>> flow_p50_us;
  std::vector<std::vector<BandPoint>> flow_p99_us;
};

struct SweepData {
  std::string axis;  // the swept field's path drawn along x (the last axis)
  std::vector<SweepCurves> curves;  // in order of first appearance
  // The flows with their own columns (flow[NAME].latency_*), when there
  // are several; empty with one flow (its figures are the pooled ones).
  std::vector<std::string> flows;
};

// Parses aggregate.csv (rows with status "ok"); throws std::runtime_error
// naming the file for a missing file or column.
SweepData read_sweep_aggregate(const std::string& path);

std::unique_ptr<QChart> sweep_throughput_chart(const SweepData& data);
// Every flow pooled, or with `flow` the flow of that index in data.flows.
std::unique_ptr<QChart> sweep_latency_chart(const SweepData& data, int flow = -1);

// Writes both charts as PNG and SVG into `dir`, and with several flows
// latency_vs_load_flow<i> for each flow; returns the files.
std::vector<std::string> write_sweep_plots(const SweepData& data, const std::string& dir, int width, int height);

// A swept rate search (viosim search's search.csv): per backend (and
// group of the other axes' values), the zero-loss rate (NDR, solid) and the
// partial-drop rate (PDR, dashed) against the last swept axis, each with a
// band from the rate that passed up to the lowest that failed (the
// search's precision).
struct SearchCurves {
  std::string backend;
  std::string group;
  std::vector<BandPoint> ndr;  // mean = low: the rate passed; high: the lowest that failed
  std::vector<BandPoint> pdr;
};

struct SearchData {
  std::string axis;
  std::vector<SearchCurves> curves;
};

// Parses search.csv (rows with status "ok" and a rate found); throws
// std::runtime_error naming the file for a missing file or column, or a
// table with no swept field.
SearchData read_search_table(const std::string& path);
std::unique_ptr<QChart> search_rates_chart(const SearchData& data);
// Writes it as rates_vs_<last part of the axis>.png and .svg into `dir`.
std::vector<std::string> write_search_plots(const SearchData& data, const std::string& dir, int width, int height);

}  // namespace viosim::charts
