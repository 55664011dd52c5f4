// Two-axis sweeps as heatmaps: the matrix is read with its values sorted
// (rows that did not run left empty), a chart has a shaded cell and a
// label per figure, and the CSV matrix holds the same figures.
#include "gui/charts/heatmap_chart.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <QtCharts/QAreaSeries>
#include <QtCharts/QScatterSeries>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace viosim::charts {
namespace {

namespace fs = std::filesystem;

fs::path write(const std::string& name, const std::string& text) {
  const fs::path path = fs::path(testing::TempDir()) / ("viosim_" + name + "_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << text;
  return path;
}

const char* kHeader = "chains,length,backend,status,replications,throughput_pps_mean\n";

TEST(Heatmap, ReadsTheMatrixOfTwoAxesSorted) {
  const fs::path path = write("matrix", std::string(kHeader) +
                                            "2,8,VHOST_USER,ok,1,500000\n"
                                            "1,8,VHOST_USER,ok,1,520000\n"
                                            "1,1,VHOST_USER,ok,1,3100000\n"
                                            "2,1,VHOST_USER,failed,1,\n");
  const std::optional<SweepMatrix> m = read_sweep_matrix(path.string());
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->row_axis, "chains");
  EXPECT_EQ(m->column_axis, "length");
  EXPECT_EQ(m->rows, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(m->columns, (std::vector<std::string>{"1", "8"}));
  ASSERT_EQ(m->backends.size(), 1u);
  const auto& pps = m->backends[0].pps;
  EXPECT_EQ(pps[0][0], 3100000);
  EXPECT_EQ(pps[0][1], 520000);
  EXPECT_FALSE(pps[1][0].has_value()) << "the failed point ran nothing";
  EXPECT_EQ(pps[1][1], 500000);

  const std::unique_ptr<QChart> chart = sweep_heatmap_chart(*m, 0);
  int cells = 0, labels = 0;
  for (QAbstractSeries* s : chart->series()) {
    cells += qobject_cast<QAreaSeries*>(s) != nullptr;
    if (auto* label = qobject_cast<QScatterSeries*>(s)) {
      ++labels;
      EXPECT_TRUE(label->pointLabelsVisible());
    }
  }
  EXPECT_EQ(cells, 3);
  EXPECT_EQ(labels, 3);
}

TEST(Heatmap, LabelsCellsInTheMatrixsUnitAndMarksLowerBounds) {
  // A plan's answers: VM counts, one of them the plan's limit.
  SweepMatrix m;
  m.row_axis = "queues";
  m.column_axis = "vcpus";
  m.rows = {"1"};
  m.columns = {"1", "2"};
  m.quantity = "Answer (most vm[web].count)";
  m.scale = 1;
  m.decimals = 0;
  m.backends.push_back({"VHOST_NET", {{12.0, 64.0}}, {{false, true}}});
  const std::unique_ptr<QChart> chart = sweep_heatmap_chart(m, 0);
  EXPECT_TRUE(chart->title().contains("Answer (most vm[web].count)")) << chart->title().toStdString();
  std::vector<std::string> labels;
  for (QAbstractSeries* s : chart->series()) {
    if (auto* label = qobject_cast<QScatterSeries*>(s)) labels.push_back(label->pointLabelsFormat().toStdString());
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"12", ">= 64"}));
}

TEST(Heatmap, OneAxisIsNoMatrix) {
  const fs::path path = write("one_axis", "rate,backend,status,replications,throughput_pps_mean\n1,VHOST_NET,ok,1,5\n");
  EXPECT_FALSE(read_sweep_matrix(path.string()).has_value());
  EXPECT_THROW(read_sweep_matrix("/no/such/aggregate.csv"), std::runtime_error);
}

TEST(Heatmap, WritesAHeatmapPerBackendAndTheMatrixAsCsv) {
  const fs::path path = write("two_backends", std::string(kHeader) +
                                                  "1,1,VHOST_USER,ok,1,3000000\n"
                                                  "1,2,VHOST_USER,ok,1,1800000\n"
                                                  "1,1,VHOST_NET,ok,1,650000\n");
  const fs::path dir = fs::path(testing::TempDir()) / ("viosim_heatmaps_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::vector<std::string> files =
      write_sweep_heatmaps(*read_sweep_matrix(path.string()), dir.string(), 640, 480);
  EXPECT_EQ(files.size(), 5u);  // two backends x PNG and SVG, and the CSV
  for (const std::string& f : files) EXPECT_GT(fs::file_size(f), 0u) << f;
  std::ifstream in(dir / "throughput_matrix.csv");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "backend,chains,length=1,length=2\n"
            "VHOST_USER,1,3000000,1800000\n"
            "VHOST_NET,1,650000,\n");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace viosim::charts
