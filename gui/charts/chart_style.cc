// Palettes and the common chart set-up.
#include "gui/charts/chart_style.h"

#include <QFont>
#include <QtCharts/QLegend>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

namespace viosim::charts {
namespace {

struct Named {
  std::string_view name;
  const char* label;
  QRgb color;
};

// Okabe & Ito's colour-blind-safe palette, one hue per backend; bare metal
// is the dark grey baseline the others are measured against.
constexpr std::array<Named, 7> kBackends = {{
    {"BARE_METAL", "bare metal", 0x4d4d4d},
    {"E1000", "e1000 (emulated)", 0xd55e00},
    {"VIRTIO_USERSPACE", "virtio (QEMU userspace)", 0xe69f00},
    {"VHOST_NET", "vhost-net", 0x0072b2},
    {"VHOST_USER", "vhost-user", 0x009e73},
    {"PASSTHROUGH", "passthrough (VFIO)", 0xcc79a7},
    {"VDPA", "vDPA (vhost-vdpa)", 0x56b4e9},
}};
// For backends this table does not know yet (picked by name hash).
constexpr std::array<QRgb, 3> kSpareBackendColors = {0xf0e442, 0x7f3c8d, 0x8c564b};

// Guest work in greens, virtualization overhead in warm colours, host
// backends in blues, so "overhead" reads at a glance.
constexpr std::array<Named, 10> kCategories = {{
    {"guest_user", "guest user", 0x66a61e},
    {"guest_kernel", "guest kernel", 0xa6d854},
    {"exit_entry", "VM exit/entry", 0xd62728},
    {"kvm", "KVM", 0xff7f0e},
    {"qemu", "QEMU", 0xe7298a},
    {"vhost", "vhost worker", 0x1f77b4},
    {"pmd", "PMD (polling)", 0x17becf},
    {"host_user", "host user", 0xc5b0d5},
    {"host_kernel", "host kernel", 0x9467bd},
    {"idle", "idle", 0xc7c7c7},
}};

const Named* find(std::string_view name, const auto& table) {
  for (const Named& n : table) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

uint32_t fnv1a(std::string_view text) {
  uint32_t h = 2166136261u;
  for (unsigned char c : text) h = (h ^ c) * 16777619u;
  return h;
}

}  // namespace

QColor backend_color(std::string_view backend) {
  if (const Named* n = find(backend, kBackends)) return QColor(n->color);
  return QColor(kSpareBackendColors[fnv1a(backend) % kSpareBackendColors.size()]);
}

QString backend_label(std::string_view backend) {
  if (const Named* n = find(backend, kBackends)) return QString::fromUtf8(n->label);
  return QString::fromUtf8(backend.data(), qsizetype(backend.size()));
}

QColor category_color(std::string_view category) {
  if (const Named* n = find(category, kCategories)) return QColor(n->color);
  return QColor(0x7f7f7f);
}

QString category_label(std::string_view category) {
  if (const Named* n = find(category, kCategories)) return QString::fromUtf8(n->label);
  return QString::fromUtf8(category.data(), qsizetype(category.size()));
}

QString latency_kind_label(std::string_view latency_kind) {
  return latency_kind == "one_way" ? QStringLiteral("One-way") : QStringLiteral("Round-trip");
}

QString run_subtitle(const RunSummary& summary) {
  QString line = QString::fromStdString(summary.scenario_name());
  if (summary.skipped_size() > 0) {
    QStringList names;
    for (const SkippedBackend& s : summary.skipped()) names << backend_label(s.backend());
    line += (line.isEmpty() ? QString() : QStringLiteral(" \u2014 ")) + QStringLiteral("not run: ") +
            names.join(QStringLiteral(", "));
  }
  return line;
}

QChart* new_chart(const QString& headline, const QString& subtitle) {
  auto* chart = new QChart;
  QString title = QStringLiteral("<b>%1</b>").arg(headline.toHtmlEscaped());
  if (!subtitle.isEmpty()) {
    title += QStringLiteral("<br><span style=\"font-size:small\">%1</span>").arg(subtitle.toHtmlEscaped());
  }
  chart->setTitle(title);
  QFont title_font = chart->titleFont();
  title_font.setPointSizeF(13);
  chart->setTitleFont(title_font);
  chart->setAnimationOptions(QChart::NoAnimation);
  chart->setTheme(QChart::ChartThemeLight);
  chart->setBackgroundRoundness(0);
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->legend()->setVisible(true);
  return chart;
}

QValueAxis* new_value_axis(const QString& title, double max_value) {
  auto* axis = new QValueAxis;
  axis->setTitleText(title);
  axis->setRange(0, max_value > 0 ? max_value * 1.08 : 1);
  axis->applyNiceNumbers();
  axis->setLabelFormat(QStringLiteral("%g"));
  return axis;
}

void set_log_range(QLogValueAxis* axis, double lo, double hi) {
  if (!(lo > 0) || !(hi >= lo) || !std::isfinite(hi)) {
    axis->setBase(10);
    axis->setRange(1, 1000);
    return;
  }
  const double base = hi / lo >= 100 ? 10 : 2;
  const double low = std::pow(base, std::floor(std::log(lo) / std::log(base)));
  double high = std::pow(base, std::ceil(std::log(hi) / std::log(base)));
  if (high <= low) high = low * base;
  axis->setBase(base);
  axis->setLabelFormat(QStringLiteral("%g"));
  // Minor grid lines at round values between the labels: 2..9 x for base
  // 10, 1.25 / 1.5 / 1.75 x for base 2.
  axis->setMinorTickCount(base == 10 ? 8 : 3);
  axis->setRange(low, high);
}

}  // namespace viosim::charts
