// Rendering headless: PNG and SVG files of the requested size, and the
// plot files of a run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <QFile>
#include <QImage>
#include <QTimer>
#include <QtCharts/QChartView>
#include <filesystem>
#include <set>

#include "gui/charts/chart_panel.h"
#include "gui/charts/render_chart.h"
#include "gui/charts/run_charts.h"
#include "gui/charts/run_plots.h"
#include "tests/gui/charts/small_run.h"

namespace viosim::charts {
namespace {

namespace fs = std::filesystem;

class Render : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("viosim_render_" + std::to_string(::getpid()) + "_" +
                                           testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  QString path(const std::string& name) const { return QString::fromStdString((dir_ / name).string()); }

  fs::path dir_;
};

TEST_F(Render, PngHasTheRequestedSizeAndIsNotBlank) {
  const auto chart = latency_cdf_chart(small_run());
  render_chart(chart.get(), path("cdf.png"), QSize(640, 400));
  QImage image;
  ASSERT_TRUE(image.load(path("cdf.png")));
  EXPECT_EQ(image.size(), QSize(640, 400));
  // Something was drawn: more than one colour in the picture.
  std::set<QRgb> colours;
  for (int y = 0; y < image.height(); y += 7) {
    for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
  }
  EXPECT_GT(colours.size(), 10u);
  // The same chart again at another size: rendering does not consume it.
  render_chart(chart.get(), path("cdf_big.png"), QSize(1200, 800));
  ASSERT_TRUE(image.load(path("cdf_big.png")));
  EXPECT_EQ(image.size(), QSize(1200, 800));
}

TEST_F(Render, SvgIsAnSvgOfTheRequestedSize) {
  const auto chart = mechanisms_chart(small_run());
  render_chart(chart.get(), path("mech.SVG"), QSize(800, 500));
  QFile file(path("mech.SVG"));
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  const QByteArray svg = file.readAll();
  EXPECT_GT(svg.size(), 2000);
  EXPECT_TRUE(svg.contains("<svg"));
  EXPECT_TRUE(svg.contains("viewBox=\"0 0 800 500\"")) << svg.left(600).toStdString();
  EXPECT_TRUE(svg.contains("vhost-net"));  // text stays text: greppable, searchable
}

TEST_F(Render, RefusesOtherFormatsAndEmptySizes) {
  const auto chart = mechanisms_chart(small_run());
  EXPECT_THROW(render_chart(chart.get(), path("x.jpg"), QSize(100, 100)), std::invalid_argument);
  EXPECT_THROW(render_chart(chart.get(), path("x.png"), QSize(0, 100)), std::invalid_argument);
  EXPECT_THROW(render_chart(chart.get(), path("no/such/dir/x.png"), QSize(100, 100)), std::runtime_error);
}

TEST_F(Render, AChartShownInAViewGoesBackToIt) {
  auto chart = cpu_by_category_chart(small_run());
  QChartView view(chart.release());  // the view owns it now
  render_chart(view.chart(), path("cpu.png"), QSize(300, 200));
  EXPECT_EQ(view.chart()->scene(), view.scene());
}

TEST_F(Render, RunPlotsAreWrittenAsPngAndSvg) {
  const auto files = write_run_plots(small_run(), (dir_ / "plots").string(), QSize(500, 300));
  ASSERT_EQ(files.size(), 2 * run_plot_names().size());
  for (const std::string& f : files) {
    EXPECT_GT(fs::file_size(f), 1000u) << f;
    if (f.ends_with(".png")) {
      QImage image;
      ASSERT_TRUE(image.load(QString::fromStdString(f))) << f;
      EXPECT_EQ(image.size(), QSize(500, 300)) << f;
    }
  }
  EXPECT_TRUE(fs::exists(dir_ / "plots" / "latency_cdf.svg"));
}

// Rendering lets queued events run; a chart that arrives for the panel
// meanwhile (a backend finished) waits for the export instead of deleting
// the chart being drawn.
TEST_F(Render, APanelKeepsItsChartWhileExporting) {
  ChartPanel panel(QStringLiteral("placeholder"));
  panel.set_chart(latency_cdf_chart(small_run()));
  QChart* exported = panel.chart();
  QTimer::singleShot(0, &panel, [&panel] { panel.set_chart(cpu_by_category_chart(small_run())); });
  panel.export_to(path("during.png"), QSize(400, 300));
  EXPECT_GT(QImage(path("during.png")).width(), 0);
  EXPECT_NE(panel.chart(), exported);  // the new chart came in after the export
  EXPECT_TRUE(panel.has_chart());
}

}  // namespace
}  // namespace viosim::charts
